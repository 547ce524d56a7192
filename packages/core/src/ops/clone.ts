// clone: a contiguous copy (differentiable, like PyTorch's clone).
import { copyArray } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import type { Tensor } from '../tensor.js';

export const cloneOp = defineOp<[x: Tensor]>({
  name: 'clone',
  arity: 1,
  forward: ([x]) => copyArray(x),
  saves: [],
  statelessBackward: true,
  backward: (dy) => [dy],
});

/** A copy of x in its own contiguous buffer; gradients flow through it. */
export function clone(x: Tensor): Tensor {
  return cloneOp(x);
}
