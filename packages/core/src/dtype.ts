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
 * Under glibc (Linux), `malloc` — which Node's ArrayBuffers use — serves a block of 128 kB or
 * more with a fresh `mmap` and gives the memory back on free, and trims its heap whenever
 * 128 kB lie free at its top. A tensor's new buffer then often comes from the system, whose
 * zero pages cost a fault on first write: ~10 µs a 4 kB page on this project's VMs, so a new
 * [1024,1024] float32 array took 2.8 ms to make and fill instead of 0.22 ms, and a [300,100]
 * product 290 µs instead of 22.5 (21 faults a call against 0). glibc raises both limits when
 * a mapped block of up to 32 MB is freed (its dynamic threshold: to that block's size, and
 * twice that for the trim), so one buffer of just under 32 MB, dropped at load, makes blocks
 * up to that size come from a heap that keeps up to 64 MB of freed memory for the next ones.
 * Half that was not enough: V8 collects dead ArrayBuffers in batches of more than 32 MB, and
 * the product above still faulted. numpy's benchmark warms its allocator the same way.
 */
const WARM_MALLOC_BYTES = 32 * 2 ** 20 - 64 * 2 ** 10;
const host = (globalThis as { process?: { platform?: string; versions?: { node?: string } } })
  .process;
if (host?.versions?.node !== undefined && host.platform === 'linux') {
  void new ArrayBuffer(WARM_MALLOC_BYTES); // freed by the next collection
}

/**
 * Buffers of 65 to 8192 bytes are carved from shared blocks of one size class each: V8
 * keeps a typed array of up to 64 bytes on its heap, but gives a larger one an ArrayBuffer
 * of its own, which costs 0.4 µs, and 2–3.7 µs in a process with a worker thread (tsx's
 * loader, vitest, the 'wasm' backend's second thread) — more than the rest of a small op.
 * A view into a block costs ~20 ns. A block is 16 KB, or 16 pieces where that is more
 * (1 KB to 8 KB pieces): a new block cost 0.6–0.9 µs at 2 KB and 1.1–1.6 at 32 KB here, so
 * blocks of 16 pieces cost the small classes 37–46 ns a piece, and 16 KB ones 9–17. A
 * block's memory is zero when made and each piece is handed out once, so a new buffer is
 * all zeros, as `new Float32Array(n)` is. The cost: a live piece keeps its whole block alive
 * (16 KB, up to 128 KB for the 8 KB class), and `buffer` is the block's (`byteOffset` says
 * where the values start), so a buffer is not to be transferred to a worker or resized.
 * The notes' case study made three such buffers of 2–8 KB a step (its [300,3] scores, the
 * loss's per-sample losses and kept softmax), ~3 µs each with the worker running.
 */
const POOLED_MIN = 65;
const POOLED_MAX = 8192;
const BLOCK_MIN_BYTES = 16 * 1024;
const BLOCK_MIN_PIECES = 16;
/** Size classes: 2^7 … 2^13 bytes. */
const CLASSES = 7;

/** Per size class, the block being carved and the next free offset. */
const blocks: (ArrayBuffer | null)[] = new Array<ArrayBuffer | null>(CLASSES).fill(null);
const used = new Int32Array(CLASSES);

/** The size class of `bytes` (65…8192): 0 for up to 128 bytes, 6 for up to 8192. */
function sizeClass(bytes: number): number {
  return 32 - Math.clz32(bytes - 1) - 7;
}

/**
 * Larger buffers that a backward pass proved dead (see autograd/ownership.ts), by length and
 * dtype (`2·length + 1` for float64): the next allocation of that size takes one, zeroed,
 * instead of a new one. A new ArrayBuffer of 100 kB costs 10–40 µs on a machine where the
 * allocator returns freed blocks to the system (page faults on every first write); a
 * recycled one costs its `fill(0)`, ~3 µs.
 */
const recycled = new Map<number, FloatArray[]>();
let recycledBytes = 0;
/** At most this many bytes wait in `recycled`, and this many buffers of one size. */
export const RECYCLED_MAX_BYTES = 64 * 1024 * 1024;
const RECYCLED_PER_SIZE = 8;

/**
 * Whether a buffer of this many bytes can be recycled (larger than 8 kB): a smaller one is a
 * piece of a shared block or lives on V8's heap, and costs less to make than to track.
 */
function pastPool(bytes: number): boolean {
  return bytes > POOLED_MAX;
}

/** Where the recyclable buffers allocated meanwhile are noted (by a backward pass), or null. */
let allocationLog: FloatArray[] | null = null;

/**
 * Notes every buffer past the pool (`pastPool`) allocated from now on in `log` (null: stop);
 * returns the previous log.
 */
export function logAllocations(log: FloatArray[] | null): FloatArray[] | null {
  const previous = allocationLog;
  allocationLog = log;
  return previous;
}

/**
 * Gives a buffer that nothing references any more to the next `allocate` of its size. Only
 * the engine calls it, for buffers it has proved dead: one still referenced would later
 * change under its holder. A buffer of 8 kB or less (carved from a block) is left alone.
 */
export function recycle(data: FloatArray): void {
  const bytes = data.byteLength;
  if (!recyclable(data) || recycledBytes + bytes > RECYCLED_MAX_BYTES) return;
  const key = data instanceof Float64Array ? 2 * data.length + 1 : 2 * data.length;
  let list = recycled.get(key);
  if (list === undefined) {
    list = [];
    recycled.set(key, list);
  }
  // a buffer noted twice by one pass (recycled, then allocated again) is given out once
  if (list.length >= RECYCLED_PER_SIZE || list.includes(data)) return;
  list.push(data);
  recycledBytes += bytes;
}

/** Whether `data` is a recyclable buffer's whole: larger than 8 kB, alone in its ArrayBuffer. */
export function recyclable(data: FloatArray): boolean {
  const bytes = data.byteLength;
  return pastPool(bytes) && data.byteOffset === 0 && data.buffer.byteLength === bytes;
}

/** The bytes of recycled buffers waiting for an allocation (for tests and benchmarks). */
export function recycledMemory(): number {
  return recycledBytes;
}

/**
 * A new zero-filled buffer of `size` values: `new Float32Array(size)` (or Float64Array), a
 * piece of a shared block for 65 to 8192 bytes, or a recycled buffer of that size.
 *
 * With `zeroed` false, the values are unspecified, for a caller that writes every one before
 * anything reads it (a product's output, an elementwise op's): a buffer larger than 8 kB then
 * skips the zero-fill, as a recycled one (no `fill(0)`) or in Node as memory from
 * `Buffer.allocUnsafeSlow` — made and filled once, a [300,100] float32 buffer took 3.8 µs
 * instead of 5.0, a [1024,1024] one 107 µs instead of 238.
 */
export function allocate(dtype: DType, size: number, zeroed = true): FloatArray {
  const bytes = dtype === 'float64' ? size * 8 : size * 4;
  if (!(bytes >= POOLED_MIN && bytes <= POOLED_MAX)) {
    let data: FloatArray | undefined;
    if (bytes > POOLED_MAX) {
      if (recycledBytes > 0) {
        data = recycled.get(dtype === 'float64' ? 2 * size + 1 : 2 * size)?.pop();
        if (data !== undefined) {
          recycledBytes -= bytes;
          if (zeroed) data.fill(0);
        }
      }
      if (data === undefined && !zeroed) data = unzeroed(dtype, size, bytes);
    }
    data ??= dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
    if (allocationLog !== null && pastPool(bytes)) allocationLog.push(data);
    return data;
  }
  const c = sizeClass(bytes);
  const at = carve(c);
  const block = blocks[c]!;
  return dtype === 'float64'
    ? new Float64Array(block, at, size)
    : new Float32Array(block, at, size);
}

/**
 * Takes the next piece of size class `c` from its block, a new block when that one is used
 * up; returns its offset in `blocks[c]`.
 */
function carve(c: number): number {
  const piece = 128 << c;
  let block = blocks[c]!;
  let at = used[c]!;
  if (block === null || at === block.byteLength) {
    block = new ArrayBuffer(Math.max(BLOCK_MIN_BYTES, BLOCK_MIN_PIECES * piece));
    blocks[c] = block;
    at = 0;
  }
  used[c] = at + piece;
  return at;
}

/** A new zero-filled Int32Array of `size` values, a piece of a shared block as `allocate`'s. */
export function allocateInt32(size: number): Int32Array {
  const bytes = size * 4;
  if (!(bytes >= POOLED_MIN && bytes <= POOLED_MAX)) return new Int32Array(size);
  const c = sizeClass(bytes);
  const at = carve(c);
  return new Int32Array(blocks[c]!, at, size);
}

/** Node's `Buffer.allocUnsafeSlow` where there is one: a new ArrayBuffer not zeroed first. */
const allocUnsafeSlow = (
  globalThis as { Buffer?: { allocUnsafeSlow?: (bytes: number) => Uint8Array } }
).Buffer?.allocUnsafeSlow;

/** A new buffer of `size` values not zeroed first, or undefined where none is to be had. */
function unzeroed(dtype: DType, size: number, bytes: number): FloatArray | undefined {
  const b = allocUnsafeSlow?.(bytes);
  // a buffer of its own (a polyfill's could be a view into a shared pool)
  if (b === undefined || b.byteOffset !== 0 || b.buffer.byteLength !== bytes) return undefined;
  const buffer = b.buffer as ArrayBuffer;
  return dtype === 'float64'
    ? new Float64Array(buffer, 0, size)
    : new Float32Array(buffer, 0, size);
}

/** Mixed inputs promote to float64, as the design says. */
export function promote(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}
