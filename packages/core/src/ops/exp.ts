// exp: eˣ elementwise.
import { defineOp } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mapArrays } from './elementwise.js';
import { mul } from './mul.js';

const expKernel = compileMap({ inputs: ['a'], expr: 'Math.exp(a)' });

const expOp = defineOp({
  name: 'exp',
  arity: 1,
  forward: (xs) => mapArrays('exp', expKernel, xs),
  backward: (dy, { output }) => [mul(dy, output)],
});

/** eˣ elementwise. */
export function exp(x: Tensor): Tensor {
  return expOp(x);
}
