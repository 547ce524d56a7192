// The parameters of a clipping call that have a gradient.
import { Tensor, ValueError } from '@tapegrad/core';
import { show } from './check.js';

/** The tensors of `params` that have a gradient; a ValueError for a non-tensor. */
export function gradsOf(op: string, params: Iterable<Tensor> | Tensor): Tensor[] {
  if (params instanceof Tensor) return params.grad === null ? [] : [params];
  if (params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
    throw new ValueError(op, `params must be a tensor or a list of tensors, got ${show(params)}`);
  }
  const out: Tensor[] = [];
  let i = 0;
  for (const p of params) {
    if (!(p instanceof Tensor))
      throw new ValueError(op, `params[${i}] is ${show(p)}, not a Tensor`);
    if (p.grad !== null) out.push(p);
    i++;
  }
  return out;
}
