// mean: the sum divided by the number of reduced elements, as one op (PyTorch's mean). It
// computes what div(sum(x, dims), count) computes — the sum rounded to x's dtype, then
// divided by the count as that dtype holds it — with one node and one array instead of two.
import { arrayDtype } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import { kernels } from '../backend/registry.js';
import type { DType } from '../dtype.js';
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { type ReduceAttrs, reduceArray, reduceAttrs } from './reduce.js';
import { spread } from './reduce-grad.js';

const DIVIDED = E.div(E.input(0), E.param(0));

/** The number of elements each output averages. */
const countOf = (shape: readonly number[], dims: readonly number[]): number =>
  sizeOf(dims.map((d) => shape[d]!));

/** The count as a tensor of `dtype` holds it (the divisor div gets from a number operand). */
const divisor = (count: number, dtype: DType): number =>
  dtype === 'float32' ? Math.fround(count) : count;

export const meanOp = defineOp<[x: Tensor], ReduceAttrs>({
  name: 'mean',
  arity: 1,
  forward: ([x], attrs) => {
    const out = reduceArray(x, attrs, 'sum');
    const dtype = arrayDtype(x);
    kernels().map(DIVIDED, [out], out, [divisor(countOf(x.shape, attrs.dims), dtype)]);
    return out;
  },
  saves: [],
  statelessBackward: true,
  // what div's and sum's rules give: dy / count, spread over x's shape
  backward: (dy, { inputs: [x], attrs }) => [
    spread(div(dy, countOf(x.shape, attrs.dims)), x.shape, attrs),
  ],
});

/** The mean over `dim` (every dim when absent). @example mean(x, 0) // column means */
export function mean(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return meanOp.run([x], reduceAttrs('mean', x, dim, keepdim));
}
