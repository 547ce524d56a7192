// softmax: exp(x) / Σ exp(x) along a dim, computed from exp(x - max) (stable).
import { defineOp } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mapArrays } from './elementwise.js';
import { shiftedExponentials } from './logsumexp.js';
import { mul } from './mul.js';
import { reduceArray } from './reduce.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

const divKernel = compileMap({ inputs: ['a', 'b'], expr: 'a / b' });

const softmaxOp = defineOp<{ dim: number }>({
  name: 'softmax',
  arity: 1,
  forward: ([x], { dim }) => {
    const { e } = shiftedExponentials(x!, [dim]);
    const s = reduceArray(e, { dims: [dim], keepdim: true }, 'sum');
    return mapArrays('softmax', divKernel, [e, s]);
  },
  // dx = y ⊙ (dy - Σ dy ⊙ y)
  backward: (dy, { output: y, attrs: { dim } }) => [mul(y, sub(dy, sum(mul(dy, y), dim, true)))],
});

/** Softmax along `dim`: non-negative, sums to 1. @example softmax(logits, 1) */
export function softmax(x: Tensor, dim: number): Tensor {
  return softmaxOp.run([x], { dim: normalizeDim('softmax', dim, x.ndim, x.shape) });
}
