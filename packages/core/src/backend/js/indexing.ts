// gather and scatter-add of the 'js' backend: one walk over the index's positions, reading
// (or adding into) the element that the index selects along `dim`.
import type { FloatArray } from '../../dtype.js';
import { isRowMajor, sizeOf } from '../../shape.js';
import type { IndexArray, View } from '../kernels.js';
import { forEachOffset } from './walk.js';

/**
 * Call `visit(k, p)` for every flat position k of the index (row-major) with p the offset in
 * `x` of the element it selects: x's index along `dim` from the index, the others from k.
 */
function walk(
  x: View,
  dim: number,
  index: IndexArray,
  visit: (k: number, p: number) => void,
): void {
  const shape = index.shape;
  const nd = shape.length;
  const idx = new Int32Array(nd);
  const n = index.data.length;
  const values = index.data;
  const stride = x.stride;
  const sdim = stride[dim]!;
  // p without the dim term, moved as the other indices count up
  let base = x.offset;
  for (let k = 0; k < n; k++) {
    visit(k, base + values[k]! * sdim);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      if (d !== dim) base += stride[d]!;
      if (idx[d]! < shape[d]!) break;
      if (d !== dim) base -= stride[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** `out[k] = x[…]` at the positions the index selects; see `Kernels.gather`. */
export function gather(x: View, dim: number, index: IndexArray, out: FloatArray): void {
  const d = x.data;
  walk(x, dim, index, (k, p) => {
    out[k] = d[p]!;
  });
}

/** `out[…] += src[k]` at the positions the index selects; see `Kernels.scatterAdd`. */
export function scatterAdd(src: View, dim: number, index: IndexArray, out: View): void {
  const o = out.data;
  const s = src.data;
  if (isRowMajor(src.shape, src.stride) && sizeOf(src.shape) === index.data.length) {
    const so = src.offset;
    walk(out, dim, index, (k, p) => {
      o[p]! += s[so + k]!;
    });
    return;
  }
  // a strided src: its values in row-major order first
  const flat = new Float64Array(index.data.length);
  let k = 0;
  forEachOffset(src, (p) => {
    flat[k++] = s[p]!;
  });
  walk(out, dim, index, (j, q) => {
    o[q]! += flat[j]!;
  });
}

/** The slices of x along `dim` picked by `index`, in order; see `Kernels.indexSelect`. */
export function indexSelect(x: View, dim: number, index: Int32Array, out: FloatArray): void {
  const shape = x.shape;
  const outer = sizeOf(shape.slice(0, dim));
  const inner = sizeOf(shape.slice(dim + 1));
  const k = index.length;
  const d = x.data;
  if (isRowMajor(shape, x.stride)) {
    const n = shape[dim]!;
    // long slices of the same dtype (image rows): one block copy each; short ones: a loop
    const block = d.constructor === out.constructor && inner >= 16;
    for (let o = 0, q = 0; o < outer; o++) {
      const base = x.offset + o * n * inner;
      for (let i = 0; i < k; i++) {
        const p = base + index[i]! * inner;
        if (block) {
          out.set(d.subarray(p, p + inner), q);
          q += inner;
        } else for (let j = 0; j < inner; j++) out[q++] = d[p + j]!;
      }
    }
    return;
  }
  // the general walk: each output slice read through x's strides
  const sd = x.stride[dim]!;
  const before = { ...x, shape: shape.slice(0, dim) };
  const within = { ...x, shape: shape.slice(dim + 1), stride: x.stride.slice(dim + 1), offset: 0 };
  let q = 0;
  forEachOffset({ ...before, stride: x.stride.slice(0, dim) }, (base) => {
    for (let i = 0; i < k; i++) {
      const start = base + index[i]! * sd;
      forEachOffset({ ...within, offset: start }, (p) => {
        out[q++] = d[p]!;
      });
    }
  });
}

/** dy's slices along `dim` added into `out` at `index`; see `Kernels.indexAdd`. */
export function indexAdd(src: View, dim: number, index: Int32Array, out: FloatArray): void {
  const shape = src.shape;
  const inner = sizeOf(shape.slice(dim + 1));
  const outer = sizeOf(shape.slice(0, dim));
  // the size of one outer block of out (its dim has the selected input's size)
  const block = outer === 0 ? 0 : out.length / outer;
  const k = index.length;
  const d = src.data;
  // src's values in row-major order: slice i of outer block o lands at index[i] of that block
  let o = 0;
  let i = 0;
  let j = 0;
  forEachOffset(src, (p) => {
    out[o * block + index[i]! * inner + j]! += d[p]!;
    if (++j === inner) {
      j = 0;
      if (++i === k) {
        i = 0;
        o++;
      }
    }
  });
}
