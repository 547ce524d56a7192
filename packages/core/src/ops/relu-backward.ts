// reluBackward and leakyReluBackward: the rectifiers' backward pass fused into one op, one
// pass over dy and x instead of a mask, then a product (the mask was a second allocation).
// Internal: relu and leakyRelu call them, and the op table checks them through their
// second-order gradients.
import * as E from '../backend/expr.js';
import { zerosLike } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';
import type { LeakyReluAttrs } from './leaky-relu.js';

export const reluBackwardOp = elementwiseOp({
  name: 'reluBackward',
  arity: 2,
  internal: true,
  // PyTorch's threshold_backward: 0 where x ≤ 0, else dy (where x is NaN too)
  expr: ([dy, x]) => E.select(E.le(x, 0), 0, dy),
  // linear in dy (the same mask again); piecewise constant in x: a zero gradient there, as
  // PyTorch gives (so a second derivative through relu is 0, not an unused input)
  saves: [1],
  statelessBackward: true,
  backward: (ct, { inputs: [, x], needsInputGrad: [, dx] }) => [
    reluBackward(ct, x),
    dx ? zerosLike(x) : null,
  ],
});

/**
 * relu's vector-Jacobian product: `x ≤ 0 ? 0 : dy` (relu'(0) is 0, and a NaN x passes dy, as
 * in PyTorch).
 *
 * @example
 * reluBackward(tensor([5, 5]), tensor([-1, 2])); // [0, 5]
 */
export function reluBackward(dy: Tensor, x: Tensor): Tensor {
  return reluBackwardOp(dy, x);
}

export const leakyReluBackwardOp = elementwiseOp<2, LeakyReluAttrs>({
  name: 'leakyReluBackward',
  arity: 2,
  internal: true,
  params: ['negativeSlope'],
  expr: ([dy, x], { negativeSlope }) => E.select(E.gt(x, 0), dy, E.mul(negativeSlope, dy)),
  saves: [1],
  statelessBackward: true,
  backward: (ct, { inputs: [, x], attrs: { negativeSlope }, needsInputGrad: [, dx] }) => [
    leakyReluBackward(ct, x, negativeSlope),
    dx ? zerosLike(x) : null,
  ],
});

/**
 * leakyRelu's vector-Jacobian product: `x > 0 ? dy : negativeSlope * dy` (the slope at 0
 * is negativeSlope, as in PyTorch).
 *
 * @example
 * leakyReluBackward(tensor([5, 5]), tensor([-1, 2]), 0.1); // [0.5, 5]
 */
export function leakyReluBackward(dy: Tensor, x: Tensor, negativeSlope: number): Tensor {
  return leakyReluBackwardOp.run([dy, x], { negativeSlope });
}
