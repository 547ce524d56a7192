// Dtypes: float32 (the default) and float64, their typed arrays, and promotion.
import { DTypeError, describeValue } from './errors.js';

export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64'];

export function checkDtype(op: string, dtype: unknown): DType {
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  throw new DTypeError(
    op,
    `unknown dtype ${typeof dtype === 'string' ? JSON.stringify(dtype) : describeValue(dtype)}; expected 'float32' or 'float64'`,
  );
}

export function dtypeOf(array: FloatArray): DType {
  return array instanceof Float64Array ? 'float64' : 'float32';
}

/**
 * Buffers of 65 to 2048 bytes are carved from shared blocks, 16 of one size class per
 * block: V8 keeps a typed array of up to 64 bytes on its heap, but gives a larger one an
 * ArrayBuffer of its own, which costs 0.4 µs, and 2 µs in a process with a worker thread
 * (tsx's loader, vitest) — more than the rest of a small op. A view into a block costs a
 * tenth of that. A block's memory is zero when made and each piece is handed out once, so a
 * new buffer is all zeros, as `new Float32Array(n)` is. The cost: a live piece keeps its
 * block (16 pieces of its class) alive, and `buffer` is the block's (`byteOffset` says where
 * the values start), so a buffer is not to be transferred to a worker or resized.
 */
const POOLED_MIN = 65;
const POOLED_MAX = 2048;
const PIECES = 16;

/** Per size class (bytes 2^7 … 2^11), the block being carved and the next free offset. */
const blocks: (ArrayBuffer | null)[] = [null, null, null, null, null];
const used = new Int32Array(5);

/** The size class of `bytes` (65…2048): 0 for up to 128 bytes, 4 for up to 2048. */
function sizeClass(bytes: number): number {
  return 32 - Math.clz32(bytes - 1) - 7;
}

export function allocate(dtype: DType, size: number): FloatArray {
  const bytes = dtype === 'float64' ? size * 8 : size * 4;
  if (!(bytes >= POOLED_MIN && bytes <= POOLED_MAX)) {
    return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  }
  const c = sizeClass(bytes);
  const piece = 128 << c;
  let block = blocks[c]!;
  let at = used[c]!;
  if (block === null || at === PIECES * piece) {
    block = new ArrayBuffer(PIECES * piece);
    blocks[c] = block;
    at = 0;
  }
  used[c] = at + piece;
  return dtype === 'float64'
    ? new Float64Array(block, at, size)
    : new Float32Array(block, at, size);
}

/** Mixed inputs promote to float64, as the design says. */
export function promote(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}
