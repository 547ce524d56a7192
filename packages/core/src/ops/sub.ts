// sub: a - b, broadcasting.
import type { TensorLike } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';
import { neg } from './neg.js';

export const subOp = elementwiseOp({
  name: 'sub',
  arity: 2,
  expr: ([a, b]) => E.sub(a, b),
  saves: [],
  statelessBackward: true,
  backward: (dy, { needsInputGrad: [, db] }) => [dy, db ? neg(dy) : null],
});

/** `a - b` with broadcasting. @example sub(1, x) */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return subOp(a, b);
}
