// The parameters of a clipping call that have a gradient, each gradient checked.
import { Tensor, ValueError } from '@tapegrad/core';
import { show } from './check.js';
import { checkGrad } from './dense.js';

/**
 * The tensors of `params` that have a gradient, every gradient checked (a Tensor of its
 * parameter's shape, contiguous) before the caller changes any; a ValueError for a
 * non-tensor or a bad gradient, naming it.
 */
export function gradsOf(op: string, params: Iterable<Tensor> | Tensor): Tensor[] {
  if (params instanceof Tensor) {
    if (params.grad === null) return [];
    checkGrad(op, params, params.grad, -1, -1);
    return [params];
  }
  if (params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
    throw new ValueError(op, `params must be a tensor or a list of tensors, got ${show(params)}`);
  }
  const out: Tensor[] = [];
  let i = 0;
  for (const p of params) {
    if (!(p instanceof Tensor))
      throw new ValueError(op, `params[${i}] is ${show(p)}, not a Tensor`);
    if (p.grad !== null) {
      checkGrad(op, p, p.grad, -1, i);
      out.push(p);
    }
    i++;
  }
  return out;
}
