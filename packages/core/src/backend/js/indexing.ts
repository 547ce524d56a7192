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
