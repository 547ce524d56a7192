// Plain-JS reference implementations for the op table's forward checks: flat row-major
// arrays of numbers, built from `toArray()`, computed in float64 the obvious way.
import type { NestedArray } from '@tapegrad/core';

/** A dense array: row-major values and a shape. */
export interface Ref {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

export function fromNested(a: NestedArray): Ref {
  const shape: number[] = [];
  for (let cur: NestedArray = a; Array.isArray(cur); cur = cur[0]!) shape.push(cur.length);
  const data: number[] = [];
  const walk = (x: NestedArray): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else data.push(x);
  };
  walk(a);
  return { shape, data };
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let i = shape.length - 1, n = 1; i >= 0; i--) {
    s[i] = n;
    n *= shape[i]!;
  }
  return s;
}

export function unravel(k: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = k % shape[d]!;
    k = Math.floor(k / shape[d]!);
  }
  return idx;
}

/** The flat row-major position of a multi-index. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  const s = strides(shape);
  return idx.reduce((p, i, d) => p + i * s[d]!, 0);
}

export function at(x: Ref, idx: readonly number[]): number {
  return x.data[ravel(idx, x.shape)]!;
}

/** A Ref of `shape` whose element at each multi-index is `f(index)`. */
export function build(shape: readonly number[], f: (idx: number[]) => number): Ref {
  return { shape, data: Array.from({ length: size(shape) }, (_, k) => f(unravel(k, shape))) };
}

export function broadcastShape(shapes: readonly (readonly number[])[]): number[] {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  return Array.from({ length: n }, (_, i) =>
    Math.max(...shapes.map((s) => s[s.length - n + i] ?? 1)),
  );
}

/** The index into an operand of `shape` for an index of the broadcast shape. */
export function broadcastIndex(idx: readonly number[], shape: readonly number[]): number[] {
  const lead = idx.length - shape.length;
  return shape.map((d, i) => (d === 1 ? 0 : idx[lead + i]!));
}

/** x's element for an index of the broadcast shape (size-1 and missing dims repeat). */
function broadcastAt(x: Ref, idx: readonly number[]): number {
  return at(x, broadcastIndex(idx, x.shape));
}

/** f applied elementwise to broadcast inputs. */
export function map(f: (...xs: number[]) => number, ...xs: readonly Ref[]): Ref {
  return build(broadcastShape(xs.map((x) => x.shape)), (idx) =>
    f(...xs.map((x) => broadcastAt(x, idx))),
  );
}

/** x broadcast to `shape`. */
export function expandRef(x: Ref, shape: readonly number[]): Ref {
  return build(shape, (idx) => broadcastAt(x, idx));
}

/** Dims made non-negative and sorted; every dim when absent. */
export function normDims(dims: number | readonly number[] | undefined, rank: number): number[] {
  if (dims === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  return list.map((d) => (d < 0 ? d + rank : d)).sort((a, b) => a - b);
}

/** `f` of the values along `dims` for every position of the other dims. */
export function reduceRef(
  x: Ref,
  dims: number | readonly number[] | undefined,
  keepdim: boolean,
  f: (values: number[]) => number,
): Ref {
  const ds = normDims(dims, x.shape.length);
  const kept = x.shape.map((d, i) => (ds.includes(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: size(kept) }, () => []);
  const ks = strides(kept);
  x.data.forEach((v, k) => {
    const idx = unravel(k, x.shape);
    groups[idx.reduce((p, i, d) => p + (ds.includes(d) ? 0 : i * ks[d]!), 0)]!.push(v);
  });
  const shape = keepdim ? kept : x.shape.filter((_, i) => !ds.includes(i));
  return { shape, data: groups.map(f) };
}

/** `f` applied to every 1-D fibre along `dim`, written back in place of it. */
export function alongDim(x: Ref, dim: number, f: (values: number[]) => number[]): Ref {
  const d = dim < 0 ? dim + x.shape.length : dim;
  const out = x.data.slice();
  const s = strides(x.shape);
  x.data.forEach((_, k) => {
    const idx = unravel(k, x.shape);
    if (idx[d] !== 0) return;
    const positions = Array.from({ length: x.shape[d]! }, (_, j) => k + j * s[d]!);
    const result = f(positions.map((p) => x.data[p]!));
    positions.forEach((p, j) => {
      out[p] = result[j]!;
    });
  });
  return { shape: x.shape, data: out };
}

// Shifted by the max, so that large logits neither overflow nor underflow.
export function logSumExp(values: readonly number[]): number {
  const m = Math.max(...values);
  return m + Math.log(values.reduce((s, v) => s + Math.exp(v - m), 0));
}

// softmax and logSoftmax never form logsumexp itself: at logits near 800 it is rounded at
// their scale (ulp(800) = 1.1e-13), and x − logsumexp(x) would carry that error into values
// near 1. x − max is exact (Sterbenz), so these are as accurate as the values allow.

/** x − logsumexp(x), as (x − max) − log Σ exp(x − max). */
export function logSoftmaxValues(values: readonly number[]): number[] {
  const m = Math.max(...values);
  const logSum = Math.log(values.reduce((s, v) => s + Math.exp(v - m), 0));
  return values.map((v) => v - m - logSum);
}

/** exp(x − max) / Σ exp(x − max). */
export function softmaxValues(values: readonly number[]): number[] {
  const m = Math.max(...values);
  const e = values.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** NumPy's matmul: 1-D operands as vectors, batch dims broadcast. */
export function matmulRef(a: Ref, b: Ref): Ref {
  const a2 = a.shape.length === 1 ? { shape: [1, a.shape[0]!], data: a.data } : a;
  const b2 = b.shape.length === 1 ? { shape: [b.shape[0]!, 1], data: b.data } : b;
  const m = a2.shape[a2.shape.length - 2]!;
  const k = a2.shape[a2.shape.length - 1]!;
  const n = b2.shape[b2.shape.length - 1]!;
  const batch = broadcastShape([a2.shape.slice(0, -2), b2.shape.slice(0, -2)]);
  const pick = (x: Ref, bi: readonly number[], i: number, j: number): number => {
    const lead = bi.length - (x.shape.length - 2);
    const xb = x.shape.slice(0, -2).map((d, q) => (d === 1 ? 0 : bi[lead + q]!));
    return at(x, [...xb, i, j]);
  };
  const out = build([...batch, m, n], (idx) => {
    const bi = idx.slice(0, -2);
    const [i, j] = idx.slice(-2) as [number, number];
    let s = 0;
    for (let p = 0; p < k; p++) s += pick(a2, bi, i, p) * pick(b2, bi, p, j);
    return s;
  });
  let shape = out.shape.slice();
  if (a.shape.length === 1) shape = [...shape.slice(0, -2), shape[shape.length - 1]!];
  if (b.shape.length === 1) shape = shape.slice(0, -1);
  return { shape, data: out.data };
}

export function transposeRef(x: Ref, d0: number, d1: number): Ref {
  const r = x.shape.length;
  const a = d0 < 0 ? d0 + r : d0;
  const b = d1 < 0 ? d1 + r : d1;
  const shape = x.shape.slice();
  [shape[a], shape[b]] = [shape[b]!, shape[a]!];
  return build(shape, (idx) => {
    const src = idx.slice();
    [src[a], src[b]] = [src[b]!, src[a]!];
    return at(x, src);
  });
}

/** Same values in another shape (one -1 inferred). */
export function reshapeRef(x: Ref, shape: readonly number[]): Ref {
  const known = size(shape.filter((d) => d !== -1));
  return { shape: shape.map((d) => (d === -1 ? x.data.length / known : d)), data: x.data };
}

/** Python-style slice bounds: negative from the end, clamped. */
export function sliceRef(x: Ref, dim: number, start: number, end: number | undefined): Ref {
  const d = dim < 0 ? dim + x.shape.length : dim;
  const n = x.shape[d]!;
  const clamp = (i: number): number => Math.min(Math.max(i < 0 ? i + n : i, 0), n);
  const s = clamp(start);
  const e = Math.max(s, clamp(end ?? n));
  const shape = x.shape.slice();
  shape[d] = e - s;
  return build(shape, (idx) =>
    at(
      x,
      idx.map((i, q) => (q === d ? i + s : i)),
    ),
  );
}

export function gatherRef(x: Ref, dim: number, index: Ref): Ref {
  const d = dim < 0 ? dim + x.shape.length : dim;
  return build(index.shape, (idx) =>
    at(
      x,
      idx.map((i, q) => (q === d ? at(index, idx) : i)),
    ),
  );
}

export function indexSelectRef(x: Ref, dim: number, index: readonly number[]): Ref {
  const d = dim < 0 ? dim + x.shape.length : dim;
  const shape = x.shape.slice();
  shape[d] = index.length;
  return build(shape, (idx) =>
    at(
      x,
      idx.map((i, q) => (q === d ? index[i]! : i)),
    ),
  );
}

export function concatRef(xs: readonly Ref[], dim: number): Ref {
  const d = dim < 0 ? dim + xs[0]!.shape.length : dim;
  const shape = xs[0]!.shape.slice();
  shape[d] = xs.reduce((n, x) => n + x.shape[d]!, 0);
  return build(shape, (idx) => {
    let i = idx[d]!;
    for (const x of xs) {
      if (i < x.shape[d]!)
        return at(
          x,
          idx.map((v, q) => (q === d ? i : v)),
        );
      i -= x.shape[d]!;
    }
    throw new Error('concatRef: index out of range');
  });
}

export function stackRef(xs: readonly Ref[], dim: number): Ref {
  const d = dim < 0 ? dim + xs[0]!.shape.length + 1 : dim;
  const unsqueezed = xs.map((x) => {
    const shape = x.shape.slice();
    shape.splice(d, 0, 1);
    return { shape, data: x.data };
  });
  return concatRef(unsqueezed, d);
}

/**
 * a·b (nested rows) in the 'wasm' backend's float32 order: k in equal blocks of at most 256,
 * each summed from +0 over k in order, in float32, then added to the cell in float32.
 */
export function blockedF32Product(
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
): number[][] {
  const f = Math.fround;
  const k = b.length;
  const depth = Math.ceil(k / Math.ceil(k / 256));
  return a.map((row) =>
    Array.from({ length: b[0]?.length ?? 0 }, (_, j) => {
      let c = 0;
      for (let p0 = 0; p0 < k; p0 += depth) {
        let s = 0;
        for (let p = p0; p < Math.min(k, p0 + depth); p++) s = f(s + f(row[p]! * b[p]![j]!));
        c = p0 === 0 ? s : f(c + s);
      }
      return c;
    }),
  );
}
