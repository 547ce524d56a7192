// argmax: the index of the largest value along a dim (the first on ties). Not differentiable.
import { checkTensor } from '../args.js';
import { emptyArray } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import { kernels } from '../backend/registry.js';
import { normalizeDim, reducedShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkNonEmptyDims } from './reduce.js';

export interface ArgmaxAttrs {
  /** The dim, or null for the index in the flattened tensor. */
  readonly dim: number | null;
  readonly keepdim: boolean;
}

export const argmaxOp = defineOp<[x: Tensor], ArgmaxAttrs>({
  name: 'argmax',
  arity: 1,
  check: ([x], { dim }, op) =>
    checkNonEmptyDims(op.name, x.shape, dim === null ? x.shape.map((_, i) => i) : [dim]),
  forward: ([x], { dim, keepdim }) => {
    const shape =
      dim === null ? (keepdim ? x.shape.map(() => 1) : []) : reducedShape(x.shape, [dim], keepdim);
    const out = emptyArray(shape, 'float32');
    kernels().argmax(x, dim, out.data);
    return out;
  },
});

/**
 * The index of the maximum along `dim` (of the flattened tensor when absent), as whole
 * numbers in a float32 tensor. @example argmax(scores, 1) // predicted classes
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  checkTensor('argmax', x);
  const d = dim === undefined ? null : normalizeDim('argmax', dim, x.ndim, x.shape);
  return argmaxOp.run([x], { dim: d, keepdim });
}
