// The 'wasm' backend: the JavaScript kernels, with the float32 matrix product replaced by a
// WebAssembly SIMD one (packed panels, a 4×8 f32x4 register tile; fused multiply-add where
// the runtime validates relaxed SIMD). Sources: packages/core/wasm/assembly/.
//
// Tensors stay in JavaScript typed arrays, so memory stays garbage-collected: a kernel
// copies its operands into the module's memory (a scratch area reused by every call; it
// grows to the largest call and stays there), computes, and copies the result out. The
// copies are O(mk + kn + mn) against the product's O(mnk), so small products — where they
// would dominate — stay on the JavaScript kernel.
import { jsKernels } from '../js/index.js';
import type { Kernels, Operand } from '../kernels.js';
import { RELAXED_SIMD, SIMD } from './binary.generated.js';

/**
 * The part of the WebAssembly API used here, typed locally: core's TypeScript settings
 * include no DOM or Node declarations of it, and a bundle must not require them.
 */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}

interface Exports {
  readonly memory: WasmMemory;
  heapBase(): number;
  gemmWorkBytes(): number;
  gemm(
    m: number,
    n: number,
    k: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    brs: number,
    bcs: number,
    c: number,
    work: number,
  ): void;
}

/** What the runtime runs: the module variant in use. */
export type WasmFeatures = 'simd' | 'relaxed-simd';

/** Below this many multiply-adds a product runs on the JavaScript kernel (measured). */
export const GEMM_MIN_WORK = 24 * 24 * 24;
/**
 * A product with a dimension this small also runs on the JavaScript kernel: a 4×8 tile
 * would waste most of its lanes and the copies cost more than the arithmetic (a few tens of
 * µs either way). The notes' case study (2 inputs, 3 classes) consists of such products, so
 * it computes the same bits, and prints the same accuracies, on both backends.
 */
export const GEMM_MIN_DIM = 4;
/** An operand whose elements span more than this many times its size is packed in JS first. */
const MAX_SPREAD = 4;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The module for this runtime, compiled synchronously, or null without WebAssembly SIMD. */
function compile(wa: WasmApi): { module: object; features: WasmFeatures } | null {
  try {
    const relaxed = decode(RELAXED_SIMD);
    if (wa.validate(relaxed)) return { module: new wa.Module(relaxed), features: 'relaxed-simd' };
    const simd = decode(SIMD);
    if (wa.validate(simd)) return { module: new wa.Module(simd), features: 'simd' };
  } catch {
    // a runtime that refuses synchronous compilation (or WebAssembly altogether)
  }
  return null;
}

/** The module's memory as a scratch area above its static data: one region per call. */
class Scratch {
  readonly exports: Exports;
  readonly base: number;
  f32: Float32Array;

  constructor(exports: Exports) {
    this.exports = exports;
    this.base = (exports.heapBase() + 15) & ~15;
    this.f32 = new Float32Array(exports.memory.buffer);
  }

  /** Makes `bytes` bytes above `base` addressable; views made before a growth are renewed. */
  reserve(bytes: number): void {
    const memory = this.exports.memory;
    const need = this.base + bytes - memory.buffer.byteLength;
    if (need > 0) memory.grow(Math.ceil(need / 65536));
    if (this.f32.buffer !== memory.buffer) this.f32 = new Float32Array(memory.buffer);
  }
}

/** Byte size rounded up to 16, so every region starts vector-aligned. */
const aligned = (floats: number): number => (floats * 4 + 15) & ~15;

/** The first element and the number of elements an m×k operand reaches, or null. */
function spanOf(op: Operand, rows: number, cols: number): number | null {
  if (op.rs < 0 || op.cs < 0) return null;
  const length = (rows - 1) * op.rs + (cols - 1) * op.cs + 1;
  return length <= MAX_SPREAD * rows * cols ? length : null;
}

function makeGemm(scratch: Scratch): Kernels['gemm'] {
  const ex = scratch.exports;
  const workBytes = ex.gemmWorkBytes();
  return function gemm(m, n, k, a, b, c, co) {
    if (
      m * n * k < GEMM_MIN_WORK ||
      m < GEMM_MIN_DIM ||
      n < GEMM_MIN_DIM ||
      k < GEMM_MIN_DIM ||
      !(a.data instanceof Float32Array) ||
      !(b.data instanceof Float32Array) ||
      !(c instanceof Float32Array)
    ) {
      jsKernels.gemm(m, n, k, a, b, c, co);
      return;
    }
    const aLen = spanOf(a, m, k);
    const bLen = spanOf(b, k, n);
    if (aLen === null || bLen === null) {
      jsKernels.gemm(m, n, k, a, b, c, co);
      return;
    }
    const aAt = scratch.base;
    const bAt = aAt + aligned(aLen);
    const cAt = bAt + aligned(bLen);
    const workAt = cAt + aligned(m * n);
    scratch.reserve(workAt + workBytes - scratch.base);
    const f32 = scratch.f32;
    f32.set(a.data.subarray(a.offset, a.offset + aLen), aAt >> 2);
    f32.set(b.data.subarray(b.offset, b.offset + bLen), bAt >> 2);
    ex.gemm(m, n, k, aAt, a.rs, a.cs, bAt, b.rs, b.cs, cAt, workAt);
    c.set(f32.subarray(cAt >> 2, (cAt >> 2) + m * n), co);
  };
}

/** The 'wasm' backend, or null where WebAssembly SIMD does not run. */
export function createWasmBackend(): { kernels: Kernels; features: WasmFeatures } | null {
  const wa = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wa === undefined) return null;
  const compiled = compile(wa);
  if (compiled === null) return null;
  const instance = new wa.Instance(compiled.module, {});
  const scratch = new Scratch(instance.exports as unknown as Exports);
  const kernels: Kernels = { ...jsKernels, gemm: makeGemm(scratch) };
  return { kernels, features: compiled.features };
}
