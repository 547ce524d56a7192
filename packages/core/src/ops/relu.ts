// relu: max(0, x) elementwise.
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';
import { reluBackward } from './relu-backward.js';

export const reluOp = elementwiseOp({
  name: 'relu',
  arity: 1,
  expr: ([x]) => E.select(E.gt(x, 0), x, 0),
  // relu'(0) is 0, as in PyTorch
  saves: [0],
  statelessBackward: true,
  backward: (dy, { inputs: [x] }) => [reluBackward(dy, x)],
});

/** max(0, x) elementwise. */
export function relu(x: Tensor): Tensor {
  return reluOp(x);
}
