// Reading a tensor's values without copying when it already owns a contiguous buffer.
import type { FloatArray, Tensor } from '@tapegrad/core';

/** The values of `t` in row-major order: its own buffer when contiguous, else a copy. */
export function flatValues(t: Tensor): { readonly values: FloatArray; readonly offset: number } {
  if (t.isContiguous()) return { values: t.data.data, offset: t.data.offset };
  return { values: t.toTypedArray(), offset: 0 };
}

/** `[2,3]`, the way shapes print in tapegrad's messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** The number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
