// Reductions of the 'js' backend (sum, max) over any set of dims. Both walk the input in
// memory order and move an output pointer whose stride is 0 along the reduced dims, so the
// walk is cache friendly whichever dims are reduced. Sums accumulate in float64.
import type { FloatArray } from '../../dtype.js';
import { contiguousStrides, isRowMajor, sizeOf } from '../../shape.js';
import type { ReduceKind, View } from '../kernels.js';
import { forEachOffset } from './walk.js';

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

/** Sum or max of x over `dims` into the contiguous `out`; see `Kernels.reduce`. */
export function reduce(kind: ReduceKind, x: View, dims: readonly number[], out: FloatArray): void {
  // a float64 output is its own accumulator; a float32 one gets its values rounded once
  const acc = out instanceof Float64Array ? out : new Float64Array(out.length);
  acc.fill(kind === 'max' ? Number.NEGATIVE_INFINITY : 0);
  if (kind === 'sum' && x.shape.length === 2 && dims.length === 1 && dims[0] === 0) {
    sumRows(x, acc);
  } else walk(x, outStrides(x.shape, dims), acc, kind === 'sum' ? 0 : 1);
  if (acc !== out) out.set(acc);
}

/** The first index of the largest value (NaN never wins) along `dim`, or of all of x. */
export function argmax(x: View, dim: number | null, out: FloatArray): void {
  const d = x.data;
  if (dim === null) {
    // the flat (row-major) index of the first maximum, over any strides
    let best = 0;
    let bestValue = 0;
    let k = 0;
    forEachOffset(x, (p) => {
      const v = d[p]!;
      if (k === 0 || v > bestValue) {
        best = k;
        bestValue = v;
      }
      k++;
    });
    out[0] = best;
    return;
  }
  const n = x.shape[dim]!;
  const sd = x.stride[dim]!;
  // each position of the other dims, in row-major order, is one output
  const rows: View = { ...x, shape: x.shape.map((s, i) => (i === dim ? 1 : s)) };
  let o = 0;
  forEachOffset(rows, (base) => {
    let best = 0;
    for (let j = 1; j < n; j++) if (d[base + j * sd]! > d[base + best * sd]!) best = j;
    out[o++] = best;
  });
}

/** Σ |x|ᵖ in float64 (max |x| for p = Infinity, NaN propagating); see `Kernels.sumAbsPow`. */
export function sumAbsPow(x: View, p: number): number {
  if (!isRowMajor(x.shape, x.stride)) {
    // a strided view: its values in row-major order first (rare: gradients are dense)
    const flat = new Float64Array(sizeOf(x.shape));
    let k = 0;
    forEachOffset(x, (i) => {
      flat[k++] = x.data[i]!;
    });
    return sumAbsPowDense(flat, 0, flat.length, p);
  }
  return sumAbsPowDense(x.data, x.offset, sizeOf(x.shape), p);
}

function sumAbsPowDense(d: FloatArray, off: number, n: number, p: number): number {
  let acc = 0;
  if (p === Number.POSITIVE_INFINITY) {
    for (let i = off; i < off + n; i++) {
      const a = Math.abs(d[i]!);
      if (a > acc || Number.isNaN(a)) acc = a;
    }
  } else if (p === 2) {
    for (let i = off; i < off + n; i++) acc += d[i]! * d[i]!;
  } else {
    for (let i = off; i < off + n; i++) acc += Math.abs(d[i]!) ** p;
  }
  return acc;
}
