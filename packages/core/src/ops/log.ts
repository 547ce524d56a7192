// log: the natural logarithm elementwise (-Inf at 0, NaN below).
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { elementwiseOp } from './elementwise.js';

export const logOp = elementwiseOp({
  name: 'log',
  arity: 1,
  expr: ([x]) => E.log(x),
  saves: [0],
  statelessBackward: true,
  backward: (dy, { inputs: [x] }) => [div(dy, x)],
});

/** The natural logarithm elementwise (-Inf at 0, NaN below). */
export function log(x: Tensor): Tensor {
  return logOp(x);
}
