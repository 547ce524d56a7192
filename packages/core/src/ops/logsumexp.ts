// logsumexp: log Σ exp(x) over some dims, computed as m + log Σ exp(x - m) with m the
// max, so it neither overflows nor underflows for logits of any size.
import { type Arr, arrayDtype, emptyArray, makeArray } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import { kernels } from '../backend/registry.js';
import { reducedShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { broadcastAll } from './elementwise.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { type ReduceAttrs, reduceArray, reduceAttrs } from './reduce.js';
import { keepDims } from './reduce-grad.js';
import { sub } from './sub.js';

const [a, b] = E.inputs(2);
/** The max itself where finite, else 0 (all -Inf, or an Inf: keeps the arithmetic exact). */
const FINITE_OR_ZERO = E.select(E.lt(E.abs(a), Number.POSITIVE_INFINITY), a, 0);
const SHIFTED_EXP = E.exp(E.sub(a, b));
const LOG_PLUS = E.add(E.log(a), b);

/** `expr(xs…)` broadcast, into a new array of `dtype`. */
export function mapNew(
  op: string,
  expr: E.Expr,
  xs: readonly Arr[],
  dtype = arrayDtype(xs[0]!),
): Arr {
  const out = emptyArray(broadcastAll(op, xs), dtype);
  kernels().map(expr, xs, out);
  return out;
}

/**
 * The stable pieces shared by logsumexp, softmax and logSoftmax: the max over dims (kept as
 * size 1, and 0 where it is not finite) and exp(x - max).
 */
export function shiftedExponentials(x: Arr, dims: readonly number[]): { m: Arr; e: Arr } {
  const m = reduceArray(x, { dims, keepdim: true }, 'max');
  kernels().map(FINITE_OR_ZERO, [m], m);
  return { m, e: mapNew('logsumexp', SHIFTED_EXP, [x, m]) };
}

export const logsumexpOp = defineOp<[x: Tensor], ReduceAttrs>({
  name: 'logsumexp',
  arity: 1,
  forward: ([x], attrs) => {
    const { m, e } = shiftedExponentials(x, attrs.dims);
    const s = reduceArray(e, { dims: attrs.dims, keepdim: true }, 'sum');
    const out = mapNew('logsumexp', LOG_PLUS, [s, m]);
    return makeArray(out.data, reducedShape(x.shape, attrs.dims, attrs.keepdim));
  },
  // d/dx logsumexp(x) = softmax(x) = exp(x - logsumexp(x))
  saves: [0, 'output'],
  statelessBackward: true,
  backward: (dy, { inputs: [x], output, attrs }) => [
    mul(keepDims(dy, x.shape, attrs), exp(sub(x, keepDims(output, x.shape, attrs)))),
  ],
});

/** log Σ exp(x) over `dim`, stable for logits of any size. @example logsumexp(logits, 1) */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  return logsumexpOp.run([x], reduceAttrs('logsumexp', x, dim, keepdim));
}
