// Walking a strided view in row-major order of its indices, for kernels whose fast paths
// cover dense data and need a general fallback.
import type { View } from '../kernels.js';

/** Call `visit` with the offset of every element of x, in row-major order of its indices. */
export function forEachOffset(x: View, visit: (p: number) => void): void {
  const shape = x.shape;
  const nd = shape.length;
  let size = 1;
  for (const s of shape) size *= s;
  if (size === 0) return;
  const idx = new Int32Array(nd);
  let p = x.offset;
  for (let k = 0; k < size; k++) {
    visit(p);
    for (let dd = nd - 1; dd >= 0; dd--) {
      idx[dd]!++;
      p += x.stride[dd]!;
      if (idx[dd]! < shape[dd]!) break;
      p -= x.stride[dd]! * shape[dd]!;
      idx[dd] = 0;
    }
  }
}
