// abs: |x| elementwise.
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';
import { mul } from './mul.js';
import { sign } from './sign.js';

export const absOp = elementwiseOp({
  name: 'abs',
  arity: 1,
  expr: ([x]) => E.abs(x),
  // abs'(0) is 0, as in PyTorch
  saves: [0],
  statelessBackward: true,
  backward: (dy, { inputs: [x] }) => [mul(dy, sign(x))],
});

/** |x| elementwise. */
export function abs(x: Tensor): Tensor {
  return absOp(x);
}
