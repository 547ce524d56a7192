// maximum / minimum: elementwise max and min of two tensors (NaN propagates).
import { defineOp, type TensorLike } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { eq, gt, lt } from './compare.js';
import { checkBroadcast, mapArrays } from './elementwise.js';
import { mul } from './mul.js';

const maxKernel = compileMap({ inputs: ['a', 'b'], expr: 'a > b || a !== a ? a : b' });
const minKernel = compileMap({ inputs: ['a', 'b'], expr: 'a < b || a !== a ? a : b' });

/** The share of the gradient each side gets: 1 to the winner, ½ each on a tie (as PyTorch). */
function shares(winA: Tensor, winB: Tensor, a: Tensor, b: Tensor): [Tensor, Tensor] {
  const tie = mul(eq(a, b), 0.5);
  return [add(winA, tie), add(winB, tie)];
}

const maximumOp = defineOp({
  name: 'maximum',
  arity: 2,
  check: checkBroadcast('maximum'),
  forward: (xs) => mapArrays('maximum', maxKernel, xs),
  backward: (dy, { inputs: [a, b] }) => {
    const [sa, sb] = shares(gt(a!, b!), lt(a!, b!), a!, b!);
    return [mul(dy, sa), mul(dy, sb)];
  },
});

const minimumOp = defineOp({
  name: 'minimum',
  arity: 2,
  check: checkBroadcast('minimum'),
  forward: (xs) => mapArrays('minimum', minKernel, xs),
  backward: (dy, { inputs: [a, b] }) => {
    const [sa, sb] = shares(lt(a!, b!), gt(a!, b!), a!, b!);
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
