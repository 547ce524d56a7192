// sub: a - b, broadcasting.
import { defineOp, type TensorLike } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { checkBroadcast, mapArrays } from './elementwise.js';
import { neg } from './neg.js';

const subKernel = compileMap({ inputs: ['a', 'b'], expr: 'a - b' });

const subOp = defineOp({
  name: 'sub',
  arity: 2,
  check: checkBroadcast('sub'),
  forward: (xs) => mapArrays('sub', subKernel, xs),
  backward: (dy) => [dy, neg(dy)],
});

/** `a - b` with broadcasting. @example sub(1, x) */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return subOp(a, b);
}
