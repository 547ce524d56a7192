// sqrt: The square root elementwise.
import { defineOp } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mapArrays } from './elementwise.js';
import { mul } from './mul.js';

const sqrtKernel = compileMap({ inputs: ['a'], expr: 'Math.sqrt(a)' });

const sqrtOp = defineOp({
  name: 'sqrt',
  arity: 1,
  forward: (xs) => mapArrays('sqrt', sqrtKernel, xs),
  // d√x/dx = 1 / (2√x)
  backward: (dy, { output }) => [div(dy, mul(output, 2))],
});

/** The square root elementwise. */
export function sqrt(x: Tensor): Tensor {
  return sqrtOp(x);
}
