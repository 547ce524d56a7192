// Version counters: how backward knows that a tensor it saved was changed in place after the
// op ran (PyTorch's `_version`). A tensor and its views (reshape, transpose, slice, detach)
// share one counter; every in-place write (the Tensor's `*_` methods, the optimizers' fused
// steps, gradient accumulation) bumps it. Nothing else may write storage (`.data` is for
// reading). The counter is made on the first write or view: most tensors, op outputs that
// are never written, need none, and reading a version is a field load, not a lookup.
import type { Tensor } from '../tensor.js';

/** The count of in-place writes into a storage, shared by the tensors that view it. */
export class VersionCounter {
  value = 0;
}

/** The key of a tensor's counter (null until a write or a view needs one). */
export const COUNTER: unique symbol = Symbol('versionCounter');

/** How many in-place writes `t`'s storage has had. */
export function versionOf(t: Tensor): number {
  return t[COUNTER]?.value ?? 0;
}

/** `t`'s counter, made now if it has none: a view shares it. */
export function counterOf(t: Tensor): VersionCounter {
  let c = t[COUNTER];
  if (c === null) {
    c = new VersionCounter();
    t[COUNTER] = c;
  }
  return c;
}

/** Count one in-place write into `t`'s storage. */
export function bumpVersion(t: Tensor): void {
  counterOf(t).value++;
}
