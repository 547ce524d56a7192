// sign: -1, 0 or 1 (NaN stays NaN). Not differentiable: its derivative is 0 almost everywhere.
import { defineOp } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mapArrays } from './elementwise.js';

const signKernel = compileMap({ inputs: ['a'], expr: 'a > 0 ? 1 : a < 0 ? -1 : a' });

const signOp = defineOp({
  name: 'sign',
  arity: 1,
  forward: (xs) => mapArrays('sign', signKernel, xs),
});

/** The sign of x elementwise: -1, 0 or 1. */
export function sign(x: Tensor): Tensor {
  return signOp(x);
}
