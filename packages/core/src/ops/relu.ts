// relu: max(0, x) elementwise. As in PyTorch, a NaN stays NaN (relu does not hide one).
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';
import { reluBackward } from './relu-backward.js';

export const reluOp = elementwiseOp({
  name: 'relu',
  arity: 1,
  // max(x, 0): NaN propagates, and -0 gives +0 (max gives its second operand on equal values)
  expr: ([x]) => E.max(x, 0),
  // relu'(0) is 0, as in PyTorch
  saves: [0],
  statelessBackward: true,
  backward: (dy, { inputs: [x] }) => [reluBackward(dy, x)],
});

/** max(0, x) elementwise. */
export function relu(x: Tensor): Tensor {
  return reluOp(x);
}
