// logSoftmax: x - logsumexp(x) along a dim, stable for logits of any size.
import { defineOp } from '../autograd/define-op.js';
import { compileMap } from '../kernels/elementwise.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mapArrays } from './elementwise.js';
import { exp } from './exp.js';
import { shiftedExponentials } from './logsumexp.js';
import { mul } from './mul.js';
import { reduceArray } from './reduce.js';
import { sub } from './sub.js';
import { sum } from './sum.js';

const minusLogSum = compileMap({ inputs: ['a', 'm', 's'], expr: 'a - m - Math.log(s)' });

const logSoftmaxOp = defineOp<{ dim: number }>({
  name: 'logSoftmax',
  arity: 1,
  forward: ([x], { dim }) => {
    const { m, e } = shiftedExponentials(x!, [dim]);
    const s = reduceArray(e, { dims: [dim], keepdim: true }, 'sum');
    return mapArrays('logSoftmax', minusLogSum, [x!, m, s]);
  },
  // dx = dy - softmax ⊙ Σ dy
  backward: (dy, { output, attrs: { dim } }) => [sub(dy, mul(exp(output), sum(dy, dim, true)))],
});

/** log(softmax(x)) along `dim`, computed stably. @example logSoftmax(logits, 1) */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return logSoftmaxOp.run([x], { dim: normalizeDim('logSoftmax', dim, x.ndim, x.shape) });
}
