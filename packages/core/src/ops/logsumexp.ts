// logsumexp: log Σ exp(x) over some dims, computed as m + log Σ exp(x - m) with m the
// max, so it neither overflows nor underflows for logits of any size.
import ndarray from 'ndarray';
import { defineOp } from '../autograd/define-op.js';
import { dtypeOf } from '../dtype.js';
import { compileMap } from '../kernels/elementwise.js';
import { reducedShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type Arr, mapArrays } from './elementwise.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { keepDims, type ReduceAttrs, reduceArray, reduceAttrs } from './reduce.js';
import { sub } from './sub.js';

const shiftedExp = compileMap({ inputs: ['a', 'm'], expr: 'Math.exp(a - m)' });
const logPlus = compileMap({ inputs: ['s', 'm'], expr: 'Math.log(s) + m' });

/**
 * The stable pieces shared by logsumexp and softmax: the max over dims (kept as size 1,
 * and 0 where it is not finite, so that all -Inf or an Inf stay exact) and exp(x - max).
 */
export function shiftedExponentials(x: Arr, dims: readonly number[]): { m: Arr; e: Arr } {
  const m = reduceArray(x, { dims, keepdim: true }, 'max');
  const md = m.data;
  for (let i = 0; i < md.length; i++) if (!Number.isFinite(md[i]!)) md[i] = 0;
  return { m, e: mapArrays('logsumexp', shiftedExp, [x, m], undefined, dtypeOf(x.data)) };
}

const logsumexpOp = defineOp<ReduceAttrs>({
  name: 'logsumexp',
  arity: 1,
  forward: ([x], attrs) => {
    const { m, e } = shiftedExponentials(x!, attrs.dims);
    const s = reduceArray(e, { dims: attrs.dims, keepdim: true }, 'sum');
    const out = mapArrays('logsumexp', logPlus, [s, m]);
    return ndarray(out.data, reducedShape(x!.shape, attrs.dims, attrs.keepdim));
  },
  // d/dx logsumexp(x) = softmax(x) = exp(x - logsumexp(x))
  backward: (dy, { inputs: [x], output, attrs }) => [
    mul(keepDims(dy, x!.shape, attrs), exp(sub(x!, keepDims(output, x!.shape, attrs)))),
  ],
});

/** log Σ exp(x) over `dim`, stable for logits of any size. @example logsumexp(logits, 1) */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  return logsumexpOp.run([x], reduceAttrs('logsumexp', x, dim, keepdim));
}
