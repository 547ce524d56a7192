// where: a where the condition is non-zero, b elsewhere.
import type { TensorLike } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import type { DType } from '../dtype.js';
import { scalarTensor, Tensor } from '../tensor.js';
import { elementwiseOp, promoteAll } from './elementwise.js';

export const whereOp = elementwiseOp({
  name: 'where',
  arity: 3,
  expr: ([c, a, b]) => E.select(c, a, b),
  // the condition's dtype is not a value's: the output has the branches' promoted dtype
  dtype: (xs) => promoteAll(xs.slice(1)),
  saves: [0],
  statelessBackward: true,
  backward: (dy, { inputs: [c] }) => [null, where(c, dy, 0), where(c, 0, dy)],
});

/** `condition ? a : b` elementwise (the condition is a 0/1 mask or any tensor). */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  // a number branch takes the other branch's dtype: the condition's dtype is not a value's
  const dtype = isFloat64(a) || isFloat64(b) ? 'float64' : 'float32';
  return whereOp(condition, branch(a, dtype), branch(b, dtype));
}

function isFloat64(x: TensorLike): boolean {
  return x instanceof Tensor && x.dtype === 'float64';
}

function branch(x: TensorLike, dtype: DType): Tensor {
  return typeof x === 'number' ? scalarTensor(x, dtype) : x;
}
