// slice: the elements start ≤ i < end along one dim (a view). Its gradient pads dy with
// zeros, through an op whose own gradient is the slice again (so slicing is twice
// differentiable).
import { checkTensor } from '../args.js';
import { arrayDtype, emptyArray, makeArray } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import { kernels } from '../backend/registry.js';
import { IndexError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';

export interface SliceAttrs {
  readonly dim: number;
  readonly start: number;
  readonly end: number;
}

export interface PadSliceAttrs extends SliceAttrs {
  /** The size of `dim` in the padded result. */
  readonly size: number;
}

export const sliceOp = defineOp<[x: Tensor], SliceAttrs>({
  name: 'slice',
  view: true,
  arity: 1,
  forward: ([x], { dim, start, end }) => {
    const shape = x.shape.slice();
    shape[dim] = end - start;
    return makeArray(x.data, shape, x.stride, x.offset + start * x.stride[dim]!);
  },
  saves: [],
  statelessBackward: true,
  backward: (dy, { inputs: [x], attrs }) => [
    padSliceOp.run([dy], { ...attrs, size: x.shape[attrs.dim]! }),
  ],
});

/** Zeros of the sliced input's shape with dy written into the slice. */
export const padSliceOp = defineOp<[dy: Tensor], PadSliceAttrs>({
  name: 'padSlice',
  arity: 1,
  internal: true,
  forward: ([dy], { dim, start, size }) => {
    const shape = dy.shape.slice();
    shape[dim] = size;
    const out = emptyArray(shape, arrayDtype(dy));
    const window = makeArray(out.data, dy.shape, out.stride, start * out.stride[dim]!);
    kernels().copy(dy, window);
    return out;
  },
  saves: [],
  statelessBackward: true,
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
  checkTensor('slice', x);
  const d = normalizeDim('slice', dim, x.ndim, x.shape);
  if (!Number.isInteger(start) || (end !== undefined && !Number.isInteger(end))) {
    throw new IndexError('slice', `start and end must be integers, got ${start} and ${end}`);
  }
  const size = x.shape[d]!;
  const s = clampIndex(start, size);
  const e = Math.max(s, clampIndex(end ?? size, size));
  return sliceOp.run([x], { dim: d, start: s, end: e });
}
