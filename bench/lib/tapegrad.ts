// tapegrad's backends as bench contenders: every backend `listBackends()` reports ('js'
// always; 'wasm' once core registers it) is measured, each under its own label.
import {
  getBackend,
  getNumThreads,
  listBackends,
  setBackend,
  setNumThreads,
  type Tensor,
} from '@tapegrad/core';
import { denseValues } from '@tapegrad/core/op-kit';

/** A backend measured on one thread only (`setNumThreads(1)`): `'wasm, 1 thread'`. */
const ONE_THREAD = ', 1 thread';

/**
 * The backends to measure: 'js' first, then the others in registration order; with
 * `oneThread`, each backend that runs 2 threads also as `'<name>, 1 thread'`.
 */
export function tapegradBackends(options: { oneThread?: boolean } = {}): string[] {
  const names = listBackends();
  const ordered = [...names.filter((n) => n === 'js'), ...names.filter((n) => n !== 'js')];
  if (options.oneThread !== true) return ordered;
  return ordered.flatMap((n) =>
    withBackend(n, () => getNumThreads()) > 1 ? [n, `${n}${ONE_THREAD}`] : [n],
  );
}

/** The contender name of a backend: `tapegrad (js)`, `tapegrad (wasm)`. */
export const tapegradName = (backend: string): string => `tapegrad (${backend})`;

/** Run `fn` with `backend` active, restoring the previous backend after (even on a throw). */
export function withBackend<T>(backend: string, fn: () => T): T {
  if (backend.endsWith(ONE_THREAD)) {
    setNumThreads(1);
    try {
      return withBackend(backend.slice(0, -ONE_THREAD.length), fn);
    } finally {
      setNumThreads(2);
    }
  }
  const previous = getBackend();
  if (previous === backend) return fn();
  setBackend(backend);
  try {
    return fn();
  } finally {
    setBackend(previous);
  }
}

/** `fn` wrapped so that every call runs on `backend`. */
export function onBackend<A extends unknown[], R>(
  backend: string,
  fn: (...args: A) => R,
): (...args: A) => R {
  return (...args) => withBackend(backend, () => fn(...args));
}

/**
 * A tensor's values as a JS typed array, read in place when they already are one (an op's
 * output of 2 kB or more is its whole buffer): op-kit's `denseValues`, as a user reads a
 * result without copying, and as tfjs-cpu's dataSync() returns its own array.
 * `toTypedArray()` returns a copy, which the caller may keep, write or transfer.
 */
export function valuesOf(t: Tensor): Float32Array | Float64Array {
  const { data, offset } = denseValues(t);
  return offset === 0 && data.length === t.size ? data : t.toTypedArray();
}
