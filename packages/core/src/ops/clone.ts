// clone: a contiguous copy (differentiable, like PyTorch's clone).
import { arrayDtype, emptyArray } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import { kernels } from '../backend/registry.js';
import type { Tensor } from '../tensor.js';

export const cloneOp = defineOp<[x: Tensor]>({
  name: 'clone',
  arity: 1,
  forward: ([x]) => {
    const out = emptyArray(x.shape, arrayDtype(x));
    kernels().copy(x, out);
    return out;
  },
  saves: [],
  backward: (dy) => [dy],
});

/** A copy of x in its own contiguous buffer; gradients flow through it. */
export function clone(x: Tensor): Tensor {
  return cloneOp(x);
}
