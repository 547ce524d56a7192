// sigmoid: the logistic sigmoid 1 / (1 + e⁻ˣ) elementwise, stable for large |x|.
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

export const sigmoidOp = elementwiseOp({
  name: 'sigmoid',
  arity: 1,
  // e = e^−|x| (e⁻ˣ for x ≥ 0, eˣ below: neither overflows), one exp for both sides
  expr: ([x]) => {
    const e = E.exp(E.neg(E.abs(x)));
    return E.select(E.ge(x, 0), E.div(1, E.add(1, e)), E.div(e, E.add(1, e)));
  },
  // σ' = σ(1 - σ)
  saves: ['output'],
  statelessBackward: true,
  backward: (dy, { output }) => [mul(dy, mul(output, sub(1, output)))],
});

/** The logistic sigmoid 1 / (1 + e⁻ˣ) elementwise, stable for large |x|. */
export function sigmoid(x: Tensor): Tensor {
  return sigmoidOp(x);
}
