// Comparisons: 0/1 masks in the promoted dtype. Not differentiable (no backward).
import { defineOp, type Op, type TensorLike } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { checkBroadcast, mapArrays } from './elementwise.js';

function comparison(name: string, test: string): Op {
  const kernel = compileMap({ inputs: ['a', 'b'], expr: `${test} ? 1 : 0` });
  return defineOp({
    name,
    arity: 2,
    check: checkBroadcast(name),
    forward: (xs) => mapArrays(name, kernel, xs),
  });
}

const gtOp = comparison('gt', 'a > b');
const geOp = comparison('ge', 'a >= b');
const ltOp = comparison('lt', 'a < b');
const leOp = comparison('le', 'a <= b');
const eqOp = comparison('eq', 'a === b');

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
