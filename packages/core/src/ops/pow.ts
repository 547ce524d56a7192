// pow: x ** y, with a tensor or a number as the exponent.
import type { TensorLike } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import { scalarTensor, type Tensor } from '../tensor.js';
import { eq, ge } from './compare.js';
import { elementwiseOp } from './elementwise.js';
import { log } from './log.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { where } from './where.js';

export const powOp = elementwiseOp({
  name: 'pow',
  arity: 2,
  expr: ([x, y]) => E.pow(x, y),
  // d(xʸ)/dx = y·xʸ⁻¹; d(xʸ)/dy = xʸ·ln x (only when the exponent needs it: ln x is NaN for x < 0).
  // As in PyTorch, each is 0 where its formula is 0·∞ but the function is constant: x⁰ in x
  // (where y = 0), and 0ʸ in y (where x = 0 and y ≥ 0).
  // ln x in the output's dtype: a float32 base must not cut a float64 exponent's gradient to float32
  saves: [0, 1, 'output'],
  statelessBackward: true,
  backward: (dy, { inputs: [x, y], output, needsInputGrad: [dx, dexp] }) => [
    dx ? baseGrad(dy, x, y) : null,
    dexp ? mul(dy, where(mul(eq(x, 0), ge(y, 0)), 0, mul(output, log(x.to(output.dtype))))) : null,
  ],
});

/**
 * dy·y·xʸ⁻¹, 0 where y = 0. A constant exponent (a number, or a 0-d tensor needing no
 * gradient) that is not 0 skips the mask, and takes y − 1 as the subtraction would round it;
 * x² skips x¹ too (Math.pow(x, 1) is x): the same values with two ops instead of six.
 */
function baseGrad(dy: Tensor, x: Tensor, y: Tensor): Tensor {
  if (y.ndim === 0 && !y.requiresGrad) {
    const v = y.item();
    if (v === 2) return mul(dy, mul(y, x));
    if (v !== 0) {
      const dtype = y.dtype;
      const less = scalarTensor(dtype === 'float32' ? Math.fround(v - 1) : v - 1, dtype);
      return mul(dy, mul(y, pow(x, less)));
    }
  }
  return mul(dy, where(eq(y, 0), 0, mul(y, pow(x, sub(y, 1)))));
}

/** `x ** y` elementwise. @example pow(x, 2) */
export function pow(x: TensorLike, y: TensorLike): Tensor {
  return powOp(x, y);
}
