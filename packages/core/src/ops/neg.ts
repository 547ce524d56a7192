// neg: -x.
import { defineOp } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mapArrays } from './elementwise.js';

const negKernel = compileMap({ inputs: ['a'], expr: '-a' });

const negOp = defineOp({
  name: 'neg',
  arity: 1,
  forward: (xs) => mapArrays('neg', negKernel, xs),
  backward: (dy) => [neg(dy)],
});

/** `-x`. */
export function neg(x: Tensor): Tensor {
  return negOp(x);
}
