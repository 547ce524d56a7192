// Whole-number index data (class labels, gather indices) from the forms users hold them in.
import type { IndexArray } from './backend/kernels.js';
import { allocateInt32 } from './dtype.js';
import { describeValue, IndexError, ValueError } from './errors.js';
import { Tensor } from './tensor.js';

export type { IndexArray } from './backend/kernels.js';

export type Labels = Tensor | Int32Array | readonly number[];

/**
 * Labels or indices as a new Int32Array with a shape: an `Int32Array` or `number[]` is 1-D, a
 * tensor keeps its shape. Non-integers are a ValueError naming `op` and the position.
 */
export function toIndexArray(op: string, labels: Labels, argName = 'index'): IndexArray {
  if (labels instanceof Tensor) {
    const flat = labels.toTypedArray();
    return { data: wholeNumbers(op, flat, argName), shape: labels.shape };
  }
  // a copy (from core's pool of small buffers: a new ArrayBuffer costs ~3 µs in a process with
  // a worker thread): ops keep the indices for backward, and callers reuse their label buffers
  if (labels instanceof Int32Array) {
    const copy = allocateInt32(labels.length);
    copy.set(labels);
    return { data: copy, shape: [labels.length] };
  }
  if (Array.isArray(labels))
    return { data: wholeNumbers(op, labels, argName), shape: [labels.length] };
  const hint = ArrayBuffer.isView(labels) ? ' (convert it with Int32Array.from(…))' : '';
  throw new ValueError(
    op,
    `${argName} must be a Tensor, an Int32Array or a number[], got ${describeValue(labels)}${hint}`,
  );
}

function wholeNumbers(op: string, values: ArrayLike<number>, argName: string): Int32Array {
  const out = allocateInt32(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v)) {
      throw new ValueError(
        op,
        `${argName} must hold whole numbers, got ${describeValue(v)} at position ${i}`,
      );
    }
    // an Int32Array would wrap 2³² to 0: a label that large is out of range for any dim
    if (v !== (v | 0)) {
      throw new IndexError(
        op,
        `${argName} ${v} at position ${i} is out of range (beyond 32-bit integers)`,
      );
    }
    out[i] = v;
  }
  return out;
}

/** Check every label is in [0, n); an IndexError names the first that is not. */
export function checkRange(op: string, data: Int32Array, n: number, argName = 'index'): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < 0 || v >= n) {
      throw new IndexError(
        op,
        `${argName} ${v} at position ${i} is out of range for a dim of size ${n} (expected 0 ≤ ${argName} < ${n})`,
      );
    }
  }
}
