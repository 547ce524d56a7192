// slice: the elements start ≤ i < end along one dim (a view). Its gradient pads dy with
// zeros, through an op whose own gradient is the slice again (so slicing is twice
// differentiable).
import ndarray from 'ndarray';
import ndops from 'ndarray-ops';
import { defineOp } from '../autograd/define-op.js';
import { allocate, dtypeOf } from '../dtype.js';
import { IndexError } from '../errors.js';
import { contiguousStrides, normalizeDim, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

interface SliceAttrs {
  readonly dim: number;
  readonly start: number;
  readonly end: number;
}

const sliceOp = defineOp<SliceAttrs>({
  name: 'slice',
  arity: 1,
  forward: ([x], { dim, start, end }) => {
    const shape = x!.shape.slice();
    shape[dim] = end - start;
    return ndarray(x!.data, shape, x!.stride.slice(), x!.offset + start * x!.stride[dim]!);
  },
  backward: (dy, { inputs: [x], attrs }) => [
    padSliceOp.run([dy], { ...attrs, size: x!.shape[attrs.dim]! }),
  ],
});

/** Zeros of the sliced input's shape with dy written into the slice. */
const padSliceOp = defineOp<SliceAttrs & { size: number }>({
  name: 'padSlice',
  arity: 1,
  forward: ([dy], { dim, start, size }) => {
    const shape = dy!.shape.slice();
    shape[dim] = size;
    const strides = contiguousStrides(shape);
    const out = allocate(dtypeOf(dy!.data), sizeOf(shape));
    ndops.assign(ndarray(out, dy!.shape.slice(), strides, start * strides[dim]!), dy!);
    return ndarray(out, shape);
  },
  backward: (ddy, { attrs: { dim, start, end } }) => [slice(ddy, dim, start, end)],
});

function clampIndex(i: number, size: number): number {
  const j = i < 0 ? i + size : i;
  return Math.min(Math.max(j, 0), size);
}

/**
 * Elements `start ≤ i < end` of `dim` (negative indices count from the end; out-of-range
 * bounds are clamped, as in Python). @example slice(x, 0, 0, 32) // the first 32 rows
 */
export function slice(x: Tensor, dim: number, start: number, end?: number): Tensor {
  const d = normalizeDim('slice', dim, x.ndim, x.shape);
  if (!Number.isInteger(start) || (end !== undefined && !Number.isInteger(end))) {
    throw new IndexError('slice', `start and end must be integers, got ${start} and ${end}`);
  }
  const size = x.shape[d]!;
  const s = clampIndex(start, size);
  const e = Math.max(s, clampIndex(end ?? size, size));
  return sliceOp.run([x], { dim: d, start: s, end: e });
}
