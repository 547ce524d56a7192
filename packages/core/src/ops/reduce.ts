// Shared plumbing of reductions: dims normalization, output shapes, the kernels.
import ndarray from 'ndarray';
import { dtypeOf } from '../dtype.js';
import { fmtShape, ShapeError } from '../errors.js';
import { maxKernel, sumKernel } from '../kernels/reduce.js';
import { normalizeDims, reducedShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Arr } from './elementwise.js';
import { expand } from './expand.js';
import { reshape } from './reshape.js';

export interface ReduceAttrs {
  readonly dims: readonly number[];
  readonly keepdim: boolean;
}

export function reduceAttrs(
  op: string,
  x: Tensor,
  dim: number | readonly number[] | undefined,
  keepdim: boolean,
): ReduceAttrs {
  return { dims: normalizeDims(op, dim, x.shape), keepdim };
}

/**
 * A max-like reduction (max, argmax) over a dim of size 0 has no answer: a ShapeError, as
 * in PyTorch. (sum gives 0 and mean NaN, and logsumexp -Inf, so they need no check.)
 */
export function checkNonEmptyDims(
  op: string,
  shape: readonly number[],
  dims: readonly number[],
): void {
  const d = dims.find((i) => shape[i] === 0);
  if (d !== undefined) {
    throw new ShapeError(
      op,
      `cannot reduce over dim ${d} of size 0 (shape ${fmtShape(shape)}); the maximum of no values is undefined`,
      [shape],
    );
  }
}

/** sum or max of an ndarray over dims, shaped as the reduction's output. */
export function reduceArray(x: Arr, { dims, keepdim }: ReduceAttrs, kind: 'sum' | 'max'): Arr {
  const shape = reducedShape(x.shape, dims, keepdim);
  const kernel = kind === 'sum' ? sumKernel : maxKernel;
  return ndarray(kernel(x, dims, sizeOf(shape), dtypeOf(x.data)), shape);
}

/** A reduction's output (or its gradient) reshaped with the reduced dims kept as 1. */
export function keepDims(t: Tensor, inputShape: readonly number[], { dims }: ReduceAttrs): Tensor {
  return reshape(t, reducedShape(inputShape, dims, true));
}

/** A reduction's gradient spread back over the input's shape. */
export function spread(dy: Tensor, inputShape: readonly number[], attrs: ReduceAttrs): Tensor {
  return expand(keepDims(dy, inputShape, attrs), inputShape);
}
