// Reading a tensor's values without copying when it already owns a contiguous buffer.
import type { FloatArray, Tensor } from '@tapegrad/core';

/** The values of `t` in row-major order: its own buffer when contiguous, else a copy. */
export function flatValues(t: Tensor): { readonly values: FloatArray; readonly offset: number } {
  if (t.isContiguous()) return { values: t.data.data, offset: t.data.offset };
  return { values: t.toTypedArray(), offset: 0 };
}

export { fmtShape, sameShape, sizeOf } from '@tapegrad/core';
