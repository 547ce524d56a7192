// max: the largest value over some dims. The gradient goes to the maximal elements,
// split evenly between ties (like PyTorch's amax).
import { defineOp } from '../autograd/define-op.js';
import type { Tensor } from '../tensor.js';
import { eq } from './compare.js';
import { div } from './div.js';
import { mul } from './mul.js';
import {
  checkNonEmptyDims,
  keepDims,
  type ReduceAttrs,
  reduceArray,
  reduceAttrs,
} from './reduce.js';
import { sum } from './sum.js';

const maxOp = defineOp<ReduceAttrs>({
  name: 'max',
  arity: 1,
  check: ([x], { dims }) => checkNonEmptyDims('max', x!.shape, dims),
  forward: ([x], attrs) => reduceArray(x!, attrs, 'max'),
  backward: (dy, { inputs: [x], output, attrs }) => {
    const mask = eq(x!, keepDims(output, x!.shape, attrs));
    const share = div(mask, sum(mask, attrs.dims, true));
    return [mul(keepDims(dy, x!.shape, attrs), share)];
  },
});

/** The maximum over `dim` (every dim when absent). @example max(scores, 1) */
export function max(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return maxOp.run([x], reduceAttrs('max', x, dim, keepdim));
}
