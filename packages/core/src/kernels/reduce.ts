// Reductions (sum, max) over any set of dims. Both walk the input in memory order and
// move an output pointer whose stride is 0 along the reduced dims, so the walk is cache
// friendly whichever dims are reduced. Sums accumulate in float64.
import { allocate, type DType, type FloatArray } from '../dtype.js';
import { contiguousStrides } from '../shape.js';
import type { View } from './elementwise.js';

/** Output strides over the input's dims: 0 on reduced dims, contiguous elsewhere. */
function outStrides(shape: readonly number[], dims: readonly number[]): number[] {
  const kept = shape.map((d, i) => (dims.includes(i) ? 1 : d));
  const c = contiguousStrides(kept);
  return c.map((s, i) => (dims.includes(i) ? 0 : s));
}

/** Walk x in index order, folding each element into acc at its output position. */
function walk(x: View, os: readonly number[], acc: Float64Array, kind: 0 | 1): void {
  const shape = x.shape;
  const nd = shape.length;
  const d = x.data;
  if (nd === 0) {
    const v = d[x.offset]!;
    if (kind === 0) acc[0]! += v;
    else if (v > acc[0]! || Number.isNaN(v)) acc[0] = v;
    return;
  }
  let size = 1;
  for (const s of shape) size *= s;
  if (size === 0) return;
  const last = nd - 1;
  const n = shape[last]!;
  const sx = x.stride;
  const sxl = sx[last]!;
  const sol = os[last]!;
  const idx = new Int32Array(nd);
  let px = x.offset;
  let po = 0;
  const outer = size / n;
  for (let k = 0; k < outer; k++) {
    if (kind === 0) {
      if (sol === 0) {
        let s = 0;
        for (let i = 0; i < n; i++, px += sxl) s += d[px]!;
        acc[po]! += s;
      } else {
        for (let i = 0; i < n; i++, px += sxl, po += sol) acc[po]! += d[px]!;
        po -= sol * n;
      }
    } else {
      for (let i = 0; i < n; i++, px += sxl, po += sol) {
        const v = d[px]!;
        const m = acc[po]!;
        if (v > m || Number.isNaN(v)) acc[po] = v;
      }
      po -= sol * n;
    }
    px -= sxl * n;
    for (let dd = last - 1; dd >= 0; dd--) {
      idx[dd]!++;
      px += sx[dd]!;
      po += os[dd]!;
      if (idx[dd]! < shape[dd]!) break;
      px -= sx[dd]! * shape[dd]!;
      po -= os[dd]! * shape[dd]!;
      idx[dd] = 0;
    }
  }
}

/**
 * A [m, n] view summed over dim 0 (a bias gradient), four rows at a time: every output still
 * adds the rows in order, as `walk` does (the same bits), with a quarter of the passes
 * over acc.
 */
function sumRows(x: View, acc: Float64Array): void {
  const m = x.shape[0]!;
  const n = x.shape[1]!;
  const rs = x.stride[0]!;
  const cs = x.stride[1]!;
  const d = x.data;
  let r = 0;
  for (; r + 4 <= m; r += 4) {
    for (let j = 0, p = x.offset + r * rs; j < n; j++, p += cs) {
      let s = acc[j]!;
      s += d[p]!;
      s += d[p + rs]!;
      s += d[p + 2 * rs]!;
      s += d[p + 3 * rs]!;
      acc[j] = s;
    }
  }
  for (; r < m; r++) {
    for (let j = 0, p = x.offset + r * rs; j < n; j++, p += cs) acc[j]! += d[p]!;
  }
}

function reduce(
  x: View,
  dims: readonly number[],
  outSize: number,
  dtype: DType,
  kind: 0 | 1,
): FloatArray {
  const acc = new Float64Array(outSize);
  if (kind === 1) acc.fill(Number.NEGATIVE_INFINITY);
  if (kind === 0 && x.shape.length === 2 && dims.length === 1 && dims[0] === 0) sumRows(x, acc);
  else walk(x, outStrides(x.shape, dims), acc, kind);
  if (dtype === 'float64') return acc;
  const out = allocate(dtype, outSize);
  out.set(acc);
  return out;
}

/** Sum of x over `dims` (sorted, non-negative); the result has `outSize` elements. */
export function sumKernel(
  x: View,
  dims: readonly number[],
  outSize: number,
  dtype: DType,
): FloatArray {
  return reduce(x, dims, outSize, dtype, 0);
}

/** Max of x over `dims`; NaN propagates, as in PyTorch. */
export function maxKernel(
  x: View,
  dims: readonly number[],
  outSize: number,
  dtype: DType,
): FloatArray {
  return reduce(x, dims, outSize, dtype, 1);
}
