// Version counters: how backward knows that a tensor it saved was changed in place after the
// op ran (PyTorch's `_version`). The counter belongs to the storage, so every view of a
// buffer (reshape, transpose, slice, expand, detach) sees the writes made through any other.
// Every in-place write (the Tensor's `*_` methods, the optimizers' fused steps, gradient
// accumulation) bumps it; nothing else may write storage (`.data` is for reading).
import type { FloatArray } from '../dtype.js';

/** Writes per buffer; a buffer never written has no entry (version 0, nothing allocated). */
const writes = new WeakMap<FloatArray, number>();

/** How many in-place writes `buffer` has had. */
export function storageVersion(buffer: FloatArray): number {
  return writes.get(buffer) ?? 0;
}

/** Count one in-place write into `buffer`. */
export function bumpVersion(buffer: FloatArray): void {
  writes.set(buffer, (writes.get(buffer) ?? 0) + 1);
}
