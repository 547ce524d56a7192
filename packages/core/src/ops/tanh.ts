// tanh: the hyperbolic tangent elementwise: squashes to (-1, 1), zero-centred.
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

export const tanhOp = elementwiseOp({
  name: 'tanh',
  arity: 1,
  expr: ([x]) => E.tanh(x),
  // tanh' = 1 - tanh²
  saves: ['output'],
  statelessBackward: true,
  backward: (dy, { output }) => [mul(dy, sub(1, mul(output, output)))],
});

/** The hyperbolic tangent elementwise: squashes to (-1, 1), zero-centred. */
export function tanh(x: Tensor): Tensor {
  return tanhOp(x);
}
