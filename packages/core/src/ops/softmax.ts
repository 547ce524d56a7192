// softmax: exp(x) / Σ exp(x) along a dim, computed from exp(x - max) (stable).
import { checkTensor } from '../args.js';
import { defineOp } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mapNew, shiftedExponentials } from './logsumexp.js';
import { mul } from './mul.js';
import { reduceArray } from './reduce.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

export interface SoftmaxAttrs {
  readonly dim: number;
}

const [e, s] = E.inputs(2);
const NORMALIZE = E.div(e, s);

export const softmaxOp = defineOp<[x: Tensor], SoftmaxAttrs>({
  name: 'softmax',
  arity: 1,
  forward: ([x], { dim }) => {
    const { e } = shiftedExponentials(x, [dim]);
    const s = reduceArray(e, { dims: [dim], keepdim: true }, 'sum');
    return mapNew('softmax', NORMALIZE, [e, s]);
  },
  // dx = y ⊙ (dy - Σ dy ⊙ y)
  saves: ['output'],
  statelessBackward: true,
  backward: (dy, { output: y, attrs: { dim } }) => [mul(y, sub(dy, sum(mul(dy, y), dim, true)))],
});

/** Softmax along `dim`: non-negative, sums to 1. @example softmax(logits, 1) */
export function softmax(x: Tensor, dim: number): Tensor {
  checkTensor('softmax', x);
  return softmaxOp.run([x], { dim: normalizeDim('softmax', dim, x.ndim, x.shape) });
}
