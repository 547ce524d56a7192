// tanh: The hyperbolic tangent elementwise: squashes to (-1, 1), zero-centred.
import { defineOp } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mapArrays } from './elementwise.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

const tanhKernel = compileMap({ inputs: ['a'], expr: 'Math.tanh(a)' });

const tanhOp = defineOp({
  name: 'tanh',
  arity: 1,
  forward: (xs) => mapArrays('tanh', tanhKernel, xs),
  // tanh' = 1 - tanh²
  backward: (dy, { output }) => [mul(dy, sub(1, mul(output, output)))],
});

/** The hyperbolic tangent elementwise: squashes to (-1, 1), zero-centred. */
export function tanh(x: Tensor): Tensor {
  return tanhOp(x);
}
