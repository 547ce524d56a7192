// neg: -x.
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';

export const negOp = elementwiseOp({
  name: 'neg',
  arity: 1,
  expr: ([x]) => E.neg(x),
  saves: [],
  statelessBackward: true,
  backward: (dy) => [neg(dy)],
});

/** `-x`. */
export function neg(x: Tensor): Tensor {
  return negOp(x);
}
