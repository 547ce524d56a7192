// sum: the sum over some dims (all by default).
import type { Tensor } from '../tensor.js';
import { reduceAttrs, reductionOp } from './reduce.js';
import { spread } from './reduce-grad.js';

export const sumOp = reductionOp({
  name: 'sum',
  kind: 'sum',
  saves: [],
  statelessBackward: true,
  backward: (dy, { inputs: [x], attrs }) => [spread(dy, x.shape, attrs)],
});

/**
 * The sum over `dim` (a dim, a list, or every dim when absent); `keepdim` keeps the
 * reduced dims as size 1. @example sum(x, 1, true) // [n, 1]
 */
export function sum(x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor {
  return sumOp.run([x], reduceAttrs('sum', x, dim, keepdim));
}
