// Plumbing of the fused losses: their forward kernels read inputs as flat row-major arrays
// and return per-sample losses, reduced in the same pass.
import { type DType, type Tensor, tensor } from '@tapegrad/core';
import type { Reduction } from './reduction.js';

/** The ndarray a fused forward returns: the losses reduced by `reduction`, in `dtype`. */
export function lossOutput(
  losses: Float64Array,
  shape: readonly number[],
  reduction: Reduction,
  dtype: DType,
): Tensor['data'] {
  if (reduction === 'none') return tensor(losses, { shape, dtype }).data;
  let total = 0;
  for (let i = 0; i < losses.length; i++) total += losses[i]!;
  const value = reduction === 'mean' ? total / losses.length : total;
  return tensor(value, { dtype }).data;
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

export { dtypeOf as dtypeOfArray } from '@tapegrad/core';
