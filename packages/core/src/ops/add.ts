// add: a + b, broadcasting.
import type { TensorLike } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';

export const addOp = elementwiseOp({
  name: 'add',
  arity: 2,
  expr: ([a, b]) => E.add(a, b),
  saves: [],
  statelessBackward: true,
  backward: (dy) => [dy, dy],
});

/** `a + b` with broadcasting; numbers on either side. @example add(x, 1) */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return addOp(a, b);
}
