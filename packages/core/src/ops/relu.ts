// relu: max(0, x) elementwise.
import { defineOp } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mapArrays } from './elementwise.js';
import { reluBackward } from './relu-backward.js';

const reluKernel = compileMap({ inputs: ['a'], expr: 'a > 0 ? a : 0' });

const reluOp = defineOp({
  name: 'relu',
  arity: 1,
  forward: (xs) => mapArrays('relu', reluKernel, xs),
  // relu'(0) is 0, as in PyTorch
  backward: (dy, { inputs: [x] }) => [reluBackward(dy, x!)],
});

/** max(0, x) elementwise. */
export function relu(x: Tensor): Tensor {
  return reluOp(x);
}
