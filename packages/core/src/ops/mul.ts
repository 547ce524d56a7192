// mul: a * b, broadcasting.
import type { TensorLike } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';

export const mulOp = elementwiseOp({
  name: 'mul',
  arity: 2,
  expr: ([a, b]) => E.mul(a, b),
  saves: [0, 1],
  statelessBackward: true,
  backward: (dy, { inputs: [a, b], needsInputGrad: [da, db] }) => [
    da ? mul(dy, b) : null,
    db ? mul(dy, a) : null,
  ],
});

/** `a * b` elementwise with broadcasting. @example mul(x, 2) */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return mulOp(a, b);
}
