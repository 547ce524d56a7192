// pow: x ** y, with a tensor or a number as the exponent.
import { defineOp, type TensorLike } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { checkBroadcast, mapArrays } from './elementwise.js';
import { log } from './log.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

const powKernel = compileMap({ inputs: ['a', 'b'], expr: 'Math.pow(a, b)' });

const powOp = defineOp({
  name: 'pow',
  arity: 2,
  check: checkBroadcast('pow'),
  forward: (xs) => mapArrays('pow', powKernel, xs),
  // d(xʸ)/dx = y·xʸ⁻¹; d(xʸ)/dy = xʸ·ln x (only when the exponent needs it: ln x is NaN for x < 0).
  // ln x in the output's dtype: a float32 base must not cut a float64 exponent's gradient to float32
  backward: (dy, { inputs: [x, y], output }) => [
    x!.requiresGrad ? mul(dy, mul(y!, pow(x!, sub(y!, 1)))) : null,
    y!.requiresGrad ? mul(dy, mul(output, log(x!.to(output.dtype)))) : null,
  ],
});

/** `x ** y` elementwise. @example pow(x, 2) */
export function pow(x: TensorLike, y: TensorLike): Tensor {
  return powOp(x, y);
}
