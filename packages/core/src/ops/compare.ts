// Comparisons: 0/1 masks in the promoted dtype. Not differentiable (no backward).
import type { TensorLike } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';

export const gtOp = elementwiseOp({ name: 'gt', arity: 2, expr: ([a, b]) => E.gt(a, b) });
export const geOp = elementwiseOp({ name: 'ge', arity: 2, expr: ([a, b]) => E.ge(a, b) });
export const ltOp = elementwiseOp({ name: 'lt', arity: 2, expr: ([a, b]) => E.lt(a, b) });
export const leOp = elementwiseOp({ name: 'le', arity: 2, expr: ([a, b]) => E.le(a, b) });
export const eqOp = elementwiseOp({ name: 'eq', arity: 2, expr: ([a, b]) => E.eq(a, b) });

/** 1 where a > b, else 0. @example relu's mask: gt(x, 0) */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return gtOp(a, b);
}
/** 1 where a ≥ b, else 0. */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return geOp(a, b);
}
/** 1 where a < b, else 0. */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return ltOp(a, b);
}
/** 1 where a ≤ b, else 0. */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return leOp(a, b);
}
/** 1 where a = b, else 0. @example accuracy: eq(pred, labels).mean() */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return eqOp(a, b);
}
