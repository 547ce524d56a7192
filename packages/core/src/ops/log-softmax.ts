// logSoftmax: x - logsumexp(x) along a dim, stable for logits of any size.
import { checkTensor } from '../args.js';
import { defineOp } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { exp } from './exp.js';
import { mapNew, shiftedExponentials } from './logsumexp.js';
import { mul } from './mul.js';
import { reduceArray } from './reduce.js';
import type { SoftmaxAttrs } from './softmax.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

const [x0, m0, s0] = E.inputs(3);
const MINUS_LOG_SUM = E.sub(E.sub(x0, m0), E.log(s0));

export const logSoftmaxOp = defineOp<[x: Tensor], SoftmaxAttrs>({
  name: 'logSoftmax',
  arity: 1,
  forward: ([x], { dim }) => {
    const { m, e } = shiftedExponentials(x, [dim]);
    const s = reduceArray(e, { dims: [dim], keepdim: true }, 'sum');
    return mapNew('logSoftmax', MINUS_LOG_SUM, [x, m, s]);
  },
  // dx = dy - softmax ⊙ Σ dy
  saves: ['output'],
  statelessBackward: true,
  backward: (dy, { output, attrs: { dim } }) => [sub(dy, mul(exp(output), sum(dy, dim, true)))],
});

/** log(softmax(x)) along `dim`, computed stably. @example logSoftmax(logits, 1) */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  checkTensor('logSoftmax', x);
  return logSoftmaxOp.run([x], { dim: normalizeDim('logSoftmax', dim, x.ndim, x.shape) });
}
