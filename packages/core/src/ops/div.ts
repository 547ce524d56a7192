// div: a / b, broadcasting.
import { defineOp, type TensorLike } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { checkBroadcast, mapArrays } from './elementwise.js';
import { mul } from './mul.js';
import { neg } from './neg.js';

const divKernel = compileMap({ inputs: ['a', 'b'], expr: 'a / b' });

const divOp = defineOp({
  name: 'div',
  arity: 2,
  check: checkBroadcast('div'),
  forward: (xs) => mapArrays('div', divKernel, xs),
  // d(a/b)/db = -a/b² = -(a/b)/b
  backward: (dy, { inputs: [a, b], output }) => [
    a!.requiresGrad ? div(dy, b!) : null,
    b!.requiresGrad ? neg(div(mul(dy, output), b!)) : null,
  ],
});

/** `a / b` elementwise with broadcasting. @example div(1, x) */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return divOp(a, b);
}
