// cast: the same values in another dtype.
import ndarray from 'ndarray';
import { defineOp } from '../autograd/define-op.js';
import { allocate, checkDtype, type DType } from '../dtype.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';

export const copyKernel = compileMap({ inputs: ['a'], expr: 'a' });

const castOp = defineOp<{ dtype: DType }>({
  name: 'cast',
  arity: 1,
  forward: ([x], { dtype }) => {
    const shape = x!.shape.slice();
    const out = allocate(dtype, x!.size);
    copyKernel.into(out, shape, [x!]);
    return ndarray(out, shape);
  },
  backward: (dy, { inputs: [x] }) => [cast(dy, x!.dtype)],
});

/** The values of x as `dtype` ('float32' or 'float64'); differentiable. */
export function cast(x: Tensor, dtype: DType): Tensor {
  return castOp.run([x], { dtype: checkDtype('cast', dtype) });
}
