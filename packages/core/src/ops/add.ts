// add: a + b, broadcasting.
import { defineOp, type TensorLike } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { checkBroadcast, mapArrays } from './elementwise.js';

export const addKernel = compileMap({ inputs: ['a', 'b'], expr: 'a + b' });

const addOp = defineOp({
  name: 'add',
  arity: 2,
  check: checkBroadcast('add'),
  forward: (xs) => mapArrays('add', addKernel, xs),
  backward: (dy) => [dy, dy],
});

/** `a + b` with broadcasting; numbers on either side. @example add(x, 1) */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return addOp(a, b);
}
