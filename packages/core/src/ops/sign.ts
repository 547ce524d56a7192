// sign: -1, 0 or 1 (NaN stays NaN). Its derivative is 0 (almost everywhere; PyTorch's too), so
// that abs's gradient, dy·sign(x), has a second derivative of 0 rather than none.
import * as E from '../backend/expr.js';
import { zerosLike } from '../creation.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';

export const signOp = elementwiseOp({
  name: 'sign',
  arity: 1,
  expr: ([x]) => E.sign(x),
  saves: [],
  statelessBackward: true,
  backward: (_dy, { inputs: [x] }) => [zerosLike(x)],
});

/** The sign of x elementwise: -1, 0 or 1. */
export function sign(x: Tensor): Tensor {
  return signOp(x);
}
