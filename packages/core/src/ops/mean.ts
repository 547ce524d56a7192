// mean: the sum divided by the number of reduced elements.
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { reduceAttrs } from './reduce.js';
import { sum } from './sum.js';

/** The mean over `dim` (every dim when absent). @example mean(x, 0) // column means */
export function mean(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  const { dims } = reduceAttrs('mean', x, dim, keepdim);
  const count = sizeOf(dims.map((d) => x.shape[d]!));
  return div(sum(x, dims, keepdim), count);
}
