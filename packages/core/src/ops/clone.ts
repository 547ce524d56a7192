// clone: a contiguous copy (differentiable, like PyTorch's clone).
import ndarray from 'ndarray';
import { defineOp } from '../autograd/define-op.js';
import { allocate, dtypeOf } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { copyKernel } from './cast.js';

const cloneOp = defineOp({
  name: 'clone',
  arity: 1,
  forward: ([x]) => {
    const shape = x!.shape.slice();
    const out = allocate(dtypeOf(x!.data), x!.size);
    copyKernel.into(out, shape, [x!]);
    return ndarray(out, shape);
  },
  backward: (dy) => [dy],
});

/** A copy of x in its own contiguous buffer; gradients flow through it. */
export function clone(x: Tensor): Tensor {
  return cloneOp(x);
}
