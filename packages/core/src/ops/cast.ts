// cast: the same values in another dtype.
import { copyArray } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import { checkDtype, type DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';

export interface CastAttrs {
  readonly dtype: DType;
}

export const castOp = defineOp<[x: Tensor], CastAttrs>({
  name: 'cast',
  arity: 1,
  forward: ([x], { dtype }) => copyArray(x, dtype),
  saves: [],
  statelessBackward: true,
  backward: (dy, { inputs: [x] }) => [cast(dy, x.dtype)],
});

/** The values of x as `dtype` ('float32' or 'float64'); differentiable. */
export function cast(x: Tensor, dtype: DType): Tensor {
  return castOp.run([x], { dtype: checkDtype('cast', dtype) });
}
