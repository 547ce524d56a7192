// exp: eˣ elementwise.
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';
import { mul } from './mul.js';

export const expOp = elementwiseOp({
  name: 'exp',
  arity: 1,
  expr: ([x]) => E.exp(x),
  saves: ['output'],
  statelessBackward: true,
  backward: (dy, { output }) => [mul(dy, output)],
});

/** eˣ elementwise. */
export function exp(x: Tensor): Tensor {
  return expOp(x);
}
