// div: a / b, broadcasting.
import type { TensorLike } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';
import { mul } from './mul.js';
import { neg } from './neg.js';

export const divOp = elementwiseOp({
  name: 'div',
  arity: 2,
  expr: ([a, b]) => E.div(a, b),
  // d(a/b)/db = -a/b² = -(a/b)/b
  saves: [1, 'output'],
  statelessBackward: true,
  backward: (dy, { inputs: [, b], output, needsInputGrad: [da, db] }) => [
    da ? div(dy, b) : null,
    db ? neg(div(mul(dy, output), b)) : null,
  ],
});

/** `a / b` elementwise with broadcasting. @example div(1, x) */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return divOp(a, b);
}
