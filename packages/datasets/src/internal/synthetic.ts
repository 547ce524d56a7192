// The common frame of the synthetic 2-D sets: classes in order, one point at a time.
import type { DType } from '@tapegrad/core';
import { allocate, fromBuffer } from '@tapegrad/core/op-kit';
import type { Dataset } from '../dataset.js';

/**
 * A classification set of `classes · perClass` points of `dims` coordinates, class 0's
 * points first; `point(j, i, out)` writes point i of class j into `out`.
 */
export function classification(
  dtype: DType,
  classes: number,
  perClass: number,
  dims: number,
  point: (j: number, i: number, out: Float64Array) => void,
): Dataset<Int32Array> {
  const n = classes * perClass;
  const x = allocate(dtype, n * dims);
  const y = new Int32Array(n);
  const p = new Float64Array(dims);
  for (let j = 0, row = 0; j < classes; j++) {
    for (let i = 0; i < perClass; i++, row++) {
      point(j, i, p);
      for (let d = 0; d < dims; d++) x[row * dims + d] = p[d]!;
      y[row] = j;
    }
  }
  return { x: fromBuffer(x, [n, dims]), y };
}

/**
 * The i-th of n evenly spaced values from `start` to `end` inclusive, computed as NumPy's
 * `linspace` does (`start + i · step`, the last value exactly `end`).
 */
export function linspaceAt(start: number, end: number, n: number, i: number): number {
  if (n === 1) return start;
  if (i === n - 1) return end;
  return start + i * ((end - start) / (n - 1));
}
