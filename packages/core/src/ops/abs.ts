// abs: |x| elementwise.
import { defineOp } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mapArrays } from './elementwise.js';
import { mul } from './mul.js';
import { sign } from './sign.js';

const absKernel = compileMap({ inputs: ['a'], expr: 'Math.abs(a)' });

const absOp = defineOp({
  name: 'abs',
  arity: 1,
  forward: (xs) => mapArrays('abs', absKernel, xs),
  // abs'(0) is 0, as in PyTorch
  backward: (dy, { inputs: [x] }) => [mul(dy, sign(x!))],
});

/** |x| elementwise. */
export function abs(x: Tensor): Tensor {
  return absOp(x);
}
