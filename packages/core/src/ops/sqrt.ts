// sqrt: the square root elementwise.
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { elementwiseOp } from './elementwise.js';
import { mul } from './mul.js';

export const sqrtOp = elementwiseOp({
  name: 'sqrt',
  arity: 1,
  expr: ([x]) => E.sqrt(x),
  // d√x/dx = 1 / (2√x)
  saves: ['output'],
  statelessBackward: true,
  backward: (dy, { output }) => [div(dy, mul(output, 2))],
});

/** The square root elementwise. */
export function sqrt(x: Tensor): Tensor {
  return sqrtOp(x);
}
