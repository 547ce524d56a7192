// maximum / minimum: elementwise max and min of two tensors (NaN propagates).
import type { TensorLike } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { eq, gt, lt } from './compare.js';
import { elementwiseOp } from './elementwise.js';
import { mul } from './mul.js';

/** The share of the gradient each side gets: 1 to the winner, ½ each on a tie (as PyTorch). */
function shares(winA: Tensor, winB: Tensor, a: Tensor, b: Tensor): [Tensor, Tensor] {
  const tie = mul(eq(a, b), 0.5);
  return [add(winA, tie), add(winB, tie)];
}

export const maximumOp = elementwiseOp({
  name: 'maximum',
  arity: 2,
  expr: ([a, b]) => E.max(a, b),
  saves: [0, 1],
  statelessBackward: true,
  backward: (dy, { inputs: [a, b] }) => {
    const [sa, sb] = shares(gt(a, b), lt(a, b), a, b);
    return [mul(dy, sa), mul(dy, sb)];
  },
});

export const minimumOp = elementwiseOp({
  name: 'minimum',
  arity: 2,
  expr: ([a, b]) => E.min(a, b),
  saves: [0, 1],
  statelessBackward: true,
  backward: (dy, { inputs: [a, b] }) => {
    const [sa, sb] = shares(lt(a, b), gt(a, b), a, b);
    return [mul(dy, sa), mul(dy, sb)];
  },
});

/** The larger of a and b elementwise. @example maximum(x, 0) is relu */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return maximumOp(a, b);
}

/** The smaller of a and b elementwise. */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return minimumOp(a, b);
}
