// Plumbing of the fused losses: their forward kernels write per-sample losses in float64,
// reduced here by the backend's sum.

import type { Tensor } from '@tapegrad/core';
import { type Arr, type DType, emptyArray, kernels, makeArray } from '@tapegrad/core/op-kit';
import type { Reduction } from './reduction.js';

/** The array a fused forward returns: the float64 losses reduced by `reduction`, in `dtype`. */
export function lossOutput(
  losses: Float64Array,
  shape: readonly number[],
  reduction: Reduction,
  dtype: DType,
): Arr {
  const k = kernels();
  if (reduction === 'none') {
    const out = emptyArray(shape, dtype);
    k.copy(makeArray(losses, shape), out);
    return out;
  }
  // one sequential float64 sum over the flat losses, then the mean (or not) rounded once
  const total = new Float64Array(1);
  k.reduce('sum', makeArray(losses, [losses.length]), [0], total);
  const out = emptyArray([], dtype);
  const value = reduction === 'mean' ? total[0]! / losses.length : total[0]!;
  k.fill(out, value);
  return out;
}

/** The upstream gradient shaped to multiply per-element gradients of an input of `shape`. */
export function scaleOf(
  dy: Tensor,
  reduction: Reduction,
  shape: readonly number[],
  count: number,
): Tensor {
  if (reduction === 'none') return dy.reshape(shape);
  return reduction === 'mean' ? dy.div(count) : dy;
}
