// Reductions of the 'js' backend (sum, max) over any set of dims, of the input or of an
// elementwise expression of it (fused: no temporary), generated once per (kind, expression,
// dtype) so that every typed-array access is monomorphic. Sums accumulate in float64.
import type { FloatArray } from '../../dtype.js';
import { contiguousStrides, isRowMajor, sizeOf } from '../../shape.js';
import { remember } from '../compiled-cache.js';
import { type Expr, exprKey, input } from '../expr.js';
import type { ReduceKind, View } from '../kernels.js';
import { condition, generated, source } from './elementwise.js';
import { forEachOffset } from './walk.js';

/** Output strides over the input's dims: 0 on reduced dims, contiguous elsewhere. */
function outStrides(shape: readonly number[], dims: readonly number[]): number[] {
  const kept = shape.map((d, i) => (dims.includes(i) ? 1 : d));
  const c = contiguousStrides(kept);
  return c.map((s, i) => (dims.includes(i) ? 0 : s));
}

/** A compiled reduction: x folded into acc (dims given by the output strides `os`). */
type Fold = (
  d: FloatArray,
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
  os: readonly number[],
  acc: Float64Array,
  rows: boolean,
) => void;

/** A compiled 'any' reduction, writing 0/1 per kept position into out. */
type AnyFold = (
  d: FloatArray,
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
  dims: readonly number[],
  out: FloatArray,
) => void;

/**
 * The fold of one element into `acc[po]` for a kind. max: NaN propagates (a NaN once there
 * stays, as no v is greater and the test only replaces with NaN).
 */
function foldInto(kind: 'sum' | 'max', target: string): string {
  return kind === 'sum'
    ? `${target} += v;`
    : `{ const m = ${target}; if (v > m || v !== v) ${target} = v; }`;
}

/**
 * The generated reduction for (kind, pre-map, dtype): the input walked in memory order with
 * an output pointer whose stride is 0 along the reduced dims (cache friendly whichever dims
 * are reduced); a sum keeps a row's partial sum in a local when the innermost dim is
 * reduced. A [m, n] input reduced over dim 0 (a bias gradient) goes four rows at a time:
 * every output still adds the rows in order (the same bits), with a quarter of the passes
 * over acc.
 */
function generate(kind: 'sum' | 'max', pre: Expr): Fold {
  const { code: value, declare } = generated(() => source(pre));
  const read = (at: string) => `const x0 = d[${at}]; const v = ${value};`;
  const rowsBody =
    kind === 'sum'
      ? `
      let r = 0;
      for (; r + 4 <= m; r += 4) {
        for (let j = 0, p = offset + r * rs; j < n; j++, p += cs) {
          let s = acc[j];
          { ${read('p')} s += v; }
          { ${read('p + rs')} s += v; }
          { ${read('p + 2 * rs')} s += v; }
          { ${read('p + 3 * rs')} s += v; }
          acc[j] = s;
        }
      }
      for (; r < m; r++) {
        for (let j = 0, p = offset + r * rs; j < n; j++, p += cs) { ${read('p')} acc[j] += v; }
      }`
      : `
      for (let r = 0; r < m; r++) {
        for (let j = 0, p = offset + r * rs; j < n; j++, p += cs) { ${read('p')} ${foldInto(kind, 'acc[j]')} }
      }`;
  const body = `
    const nd = shape.length;
    if (nd === 0) { ${read('offset')} ${foldInto(kind, 'acc[0]')} return; }
    if (rows) {
      const m = shape[0], n = shape[1], rs = stride[0], cs = stride[1];
      ${rowsBody}
      return;
    }
    let size = 1;
    for (let i = 0; i < nd; i++) size *= shape[i];
    if (size === 0) return;
    const last = nd - 1;
    const n = shape[last];
    const sxl = stride[last];
    const sol = os[last];
    const idx = new Int32Array(nd);
    let px = offset;
    let po = 0;
    const outer = size / n;
    for (let k = 0; k < outer; k++) {
      ${
        kind === 'sum'
          ? `if (sol === 0) {
        let s = 0;
        for (let i = 0; i < n; i++, px += sxl) { ${read('px')} s += v; }
        acc[po] += s;
      } else {
        for (let i = 0; i < n; i++, px += sxl, po += sol) { ${read('px')} acc[po] += v; }
        po -= sol * n;
      }`
          : `for (let i = 0; i < n; i++, px += sxl, po += sol) { ${read('px')} ${foldInto(kind, 'acc[po]')} }
      po -= sol * n;`
      }
      px -= sxl * n;
      for (let dd = last - 1; dd >= 0; dd--) {
        idx[dd]++;
        px += stride[dd];
        po += os[dd];
        if (idx[dd] < shape[dd]) break;
        px -= stride[dd] * shape[dd];
        po -= os[dd] * shape[dd];
        idx[dd] = 0;
      }
    }`;
  const src = `'use strict'; return function fold(d, offset, shape, stride, os, acc, rows) {${declare}${body}\n};`;
  return new Function(src)() as Fold;
}

/**
 * The generated 'any' reduction for (pre-map, dtype): for each kept position in row-major
 * order, the reduced positions are scanned until one gives pre(x) ≠ 0 (NaN counts as not
 * 0), so a unit that fires on the first sample costs one read.
 */
function generateAny(pre: Expr): AnyFold {
  const { code: test, declare } = generated(() => condition(pre));
  const src = `'use strict'; return function any(d, offset, shape, stride, dims, out) {${declare}
    const nd = shape.length;
    const kept = [], keptStride = [], red = [], redStride = [];
    for (let i = 0; i < nd; i++) {
      if (dims.includes(i)) { red.push(shape[i]); redStride.push(stride[i]); }
      else { kept.push(shape[i]); keptStride.push(stride[i]); }
    }
    let nKept = 1, nRed = 1;
    for (const k of kept) nKept *= k;
    for (const r of red) nRed *= r;
    // one reduced dim (the samples of [samples, units]): a plain strided scan, which needs
    // no multi-index of the reduced dims
    const one = red.length === 1, rs = one ? redStride[0] : 0;
    const ki = new Int32Array(kept.length), ri = one ? null : new Int32Array(red.length);
    let base = offset;
    for (let o = 0; o < nKept; o++) {
      let found = 0;
      let q = base;
      if (one) {
        for (let j = 0; j < nRed; j++, q += rs) {
          const x0 = d[q];
          if (${test}) { found = 1; break; }
        }
      } else {
        ri.fill(0);
        for (let j = 0; j < nRed; j++) {
          const x0 = d[q];
          if (${test}) { found = 1; break; }
          for (let t = red.length - 1; t >= 0; t--) {
            q += redStride[t];
            if (++ri[t] < red[t]) break;
            q -= redStride[t] * red[t];
            ri[t] = 0;
          }
        }
      }
      out[o] = found;
      for (let t = kept.length - 1; t >= 0; t--) {
        base += keptStride[t];
        if (++ki[t] < kept[t]) break;
        base -= keptStride[t] * kept[t];
        ki[t] = 0;
      }
    }
  };`;
  return new Function(src)() as AnyFold;
}

const IDENTITY = input(0);
const folds = new Map<string, Fold>();
const anyFolds = new Map<string, AnyFold>();
/** The folds of x itself (no pre): sum float32, sum float64, max float32, max float64. */
const plainFolds: (Fold | undefined)[] = [undefined, undefined, undefined, undefined];

/** The cache key of (kind, pre, dtype). */
function keyOf(kind: ReduceKind, pre: Expr, data: FloatArray): string {
  return `${kind}|${data instanceof Float64Array ? 'd' : 'f'}|${pre === IDENTITY ? '' : exprKey(pre)}`;
}

/**
 * Sum or max of `pre(x)` (x itself when absent) over `dims` into the contiguous `out`; see
 * `Kernels.reduce`.
 */
export function reduce(
  kind: ReduceKind,
  x: View,
  dims: readonly number[],
  out: FloatArray,
  pre: Expr = IDENTITY,
): void {
  if (kind === 'any') {
    const key = keyOf(kind, pre, x.data);
    let any = anyFolds.get(key);
    if (any === undefined) {
      any = remember(anyFolds, key, generateAny(pre));
    }
    any(x.data, x.offset, x.shape, x.stride, dims, out);
    return;
  }
  // a float64 output is its own accumulator; a float32 one gets its values rounded once
  // (accumulated in a scratch buffer: the kernel is not re-entrant)
  const n = out.length;
  let acc: Float64Array;
  if (out instanceof Float64Array) acc = out;
  else {
    if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
    acc = scratch;
  }
  acc.fill(kind === 'max' ? Number.NEGATIVE_INFINITY : 0, 0, n);
  const rows = x.shape.length === 2 && dims.length === 1 && dims[0] === 0;
  const os = rows ? NO_STRIDES : outStrides(x.shape, dims);
  let fold: Fold | undefined;
  if (pre === IDENTITY) {
    // x itself, the common case: no key to build (a tenth of a small sum's time)
    const at = (kind === 'max' ? 2 : 0) + (x.data instanceof Float64Array ? 1 : 0);
    fold = plainFolds[at];
    if (fold === undefined) {
      fold = generate(kind, pre);
      plainFolds[at] = fold;
    }
  } else {
    const key = keyOf(kind, pre, x.data);
    fold = folds.get(key);
    if (fold === undefined) {
      fold = remember(folds, key, generate(kind, pre));
    }
  }
  fold(x.data, x.offset, x.shape, x.stride, os, acc, rows);
  if (acc !== out) for (let i = 0; i < n; i++) out[i] = acc[i]!;
}

/** The float64 accumulator of float32 reductions, grown as needed. */
let scratch = new Float64Array(64);

const NO_STRIDES: readonly number[] = [];

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
