// mul: a * b, broadcasting.
import { defineOp, type TensorLike } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { checkBroadcast, mapArrays } from './elementwise.js';

const mulKernel = compileMap({ inputs: ['a', 'b'], expr: 'a * b' });

const mulOp = defineOp({
  name: 'mul',
  arity: 2,
  check: checkBroadcast('mul'),
  forward: (xs) => mapArrays('mul', mulKernel, xs),
  backward: (dy, { inputs: [a, b] }) => [
    a!.requiresGrad ? mul(dy, b!) : null,
    b!.requiresGrad ? mul(dy, a!) : null,
  ],
});

/** `a * b` elementwise with broadcasting. @example mul(x, 2) */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return mulOp(a, b);
}
