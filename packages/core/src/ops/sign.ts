// sign: -1, 0 or 1 (NaN stays NaN). Not differentiable: its derivative is 0 almost everywhere.
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';

export const signOp = elementwiseOp({ name: 'sign', arity: 1, expr: ([x]) => E.sign(x) });

/** The sign of x elementwise: -1, 0 or 1. */
export function sign(x: Tensor): Tensor {
  return signOp(x);
}
