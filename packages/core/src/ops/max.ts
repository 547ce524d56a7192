// max: the largest value over some dims. The gradient goes to the maximal elements,
// split evenly between ties (like PyTorch's amax).
import type { Tensor } from '../tensor.js';
import { eq } from './compare.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { reduceAttrs, reductionOp } from './reduce.js';
import { keepDims } from './reduce-grad.js';
import { sum } from './sum.js';

export const maxOp = reductionOp({
  name: 'max',
  kind: 'max',
  saves: [0, 'output'],
  statelessBackward: true,
  backward: (dy, { inputs: [x], output, attrs }) => {
    const mask = eq(x, keepDims(output, x.shape, attrs));
    const share = div(mask, sum(mask, attrs.dims, true));
    return [mul(keepDims(dy, x.shape, attrs), share)];
  },
});

/** The maximum over `dim` (every dim when absent). @example max(scores, 1) */
export function max(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return maxOp.run([x], reduceAttrs('max', x, dim, keepdim));
}
