// sigmoid: The logistic sigmoid 1 / (1 + e⁻ˣ) elementwise, stable for large |x|.
import { defineOp } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mapArrays } from './elementwise.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

const sigmoidKernel = compileMap({
  inputs: ['a'],
  expr: 'a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a))',
});

const sigmoidOp = defineOp({
  name: 'sigmoid',
  arity: 1,
  forward: (xs) => mapArrays('sigmoid', sigmoidKernel, xs),
  // σ' = σ(1 - σ)
  backward: (dy, { output }) => [mul(dy, mul(output, sub(1, output)))],
});

/** The logistic sigmoid 1 / (1 + e⁻ˣ) elementwise, stable for large |x|. */
export function sigmoid(x: Tensor): Tensor {
  return sigmoidOp(x);
}
