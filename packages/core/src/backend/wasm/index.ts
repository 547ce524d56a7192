// The 'wasm' backend: the JavaScript kernels, with the float32 matrix product replaced by a
// WebAssembly SIMD one (packed panels, a 4×8 f32x4 register tile; fused multiply-add where
// the runtime validates relaxed SIMD), on two threads for large products where shared
// memory and workers exist; skinny and shallow float32 products on kernels of their own
// (summed in float32 in the tile's order), the commonest float32 elementwise ops, and column
// sums (bias gradients).
// Sources: packages/core/wasm/assembly/. Every other elementwise expression of 4096 values
// or more (either dtype) runs a module compiled for it at run time (emit.ts), with the JS
// kernels' bits too (exp and tanh as V8 computes them); those with log or pow stay on JS.
// The optimizers' updates (SGD, Adam) run in the module too.
//
// Tensors stay in JavaScript typed arrays, so memory stays garbage-collected: a kernel
// copies its operands into the module's memory (a scratch area reused by every call; it
// grows to the largest call and stays there), computes, and copies the result out. The
// copies are O(mk + kn + mn) against the product's O(mnk), so small products — where they
// would dominate — stay on the JavaScript kernel.
//
// Two instances: every call runs on one with a memory of its own, except the products that
// two threads share, which run on a second one, on shared memory that the worker also
// imports (made when the worker starts). V8 copies into and out of shared memory with
// relaxed atomic copies, 3.5–4× slower than into a memory of its own (120 kB: 4.5 µs
// against 1.2), and a kernel's copies are a fifth of the case study's time.
import type { FloatArray } from '../../dtype.js';
import { isRowMajor, sizeOf } from '../../shape.js';
import { remember } from '../compiled-cache.js';
import { type Expr, exp, exprKey, input, tanh } from '../expr.js';
import { jsKernels } from '../js/index.js';
import { SKINNY_DIM } from '../js/matmul.js';
import { type Dense, gemmWith, type Kernels, type Operand, type View } from '../kernels.js';
import {
  RELAXED_SIMD,
  RELAXED_SIMD_SHARED,
  SHARED_MAX_PAGES,
  SIMD,
  SIMD_SHARED,
} from './binary.generated.js';
import { emitMap, type InputLayout, layoutKey, type MapSpec } from './emit.js';
import { ARGS, CONTROL_INTS, FINISHED, NEXT, POSTED, READY, startWorker } from './threads.js';

/**
 * The part of the WebAssembly API used here, typed locally: core's TypeScript settings
 * include no DOM or Node declarations of it, and a bundle must not require them.
 */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
export interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  compile(bytes: Uint8Array<ArrayBuffer>): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ readonly exports: object }>;
}

/** A product's operands in module memory: sizes, A and B with their strides, C. */
type Product = [
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
];

interface Exports {
  heapBase(): number;
  gemmWorkBytes(): number;
  gemm(...args: [...Product, ldc: number, work: number]): void;
  gemmShare(control: number, job: number, work: number): void;
  gemmSkinny(...args: [...Product, work: number, bias: number, relu: number]): number;
  mapF32(kind: number, n: number, x: number, y: number, out: number, row: number): void;
  sumRowsF32(m: number, n: number, x: number, out: number): void;
  adamStep(
    f64: number,
    n: number,
    x: number,
    g: number,
    m: number,
    v: number,
    vmax: number,
    decay: number,
    l2: number,
    w1: number,
    beta2: number,
    w2: number,
    stepSize: number,
    bc2Sqrt: number,
    eps: number,
    amsgrad: number,
  ): void;
  sgdStep(f64: number, n: number, x: number, g: number, lr: number, wd: number): void;
  sgdMomentumStep(
    f64: number,
    n: number,
    x: number,
    g: number,
    buf: number,
    lr: number,
    wd: number,
    mu: number,
    bm: number,
    bk: number,
    nesterov: number,
  ): void;
}

/** What the runtime runs: the module variant in use. */
export type WasmFeatures = 'simd' | 'relaxed-simd';

/** Below this many multiply-adds a product runs on the JavaScript kernel (measured). */
export const GEMM_MIN_WORK = 24 * 24 * 24;
/**
 * A product with a dimension this small runs on kernels of its own (wasm/assembly/skinny.ts):
 * a 4×8 tile would waste most of its lanes. They sum in float32 in the tile's order, so the
 * bits do not depend on which kernel a shape takes, and the 'js' backend sums these shapes
 * in that order too (`SKINNY_DIM`): the notes' case study (2 inputs, 3 classes) consists of
 * such products, and computes the same bits on both backends.
 */
export const GEMM_MIN_DIM = SKINNY_DIM;
/**
 * From this many multiply-adds, two threads share a float32 product (measured): in the
 * bench, where each 128³ product follows other work (the worker asleep), two threads ran it
 * at 0.6–0.7× one thread's speed in four runs out of four; from 256³ they gain 1.1–1.2× and
 * more. (The worker's second vCPU here slows this one's product by 30–45% while it runs.)
 */
export const GEMM_THREADS_MIN_WORK = 192 * 192 * 192;
/** From this many multiply-adds, a skinny product runs in wasm rather than in JS (measured). */
export const SKINNY_MIN_WORK = 2048;
/** An operand whose elements span more than this many times its size stays on the JS kernel. */
const MAX_SPREAD = 4;
/** A second thread that has not finished its part of a product in this long is given up (ms). */
const WORKER_TIMEOUT_MS = 10_000;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The module variants chosen for this runtime, not yet compiled. */
interface Chosen {
  /** The variant with a memory of its own: every call but the shared products. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly features: WasmFeatures;
  /** The variant on a shared memory, and that memory (a second thread's); null where none. */
  readonly threaded: {
    readonly bytes: Uint8Array<ArrayBuffer>;
    readonly memory: WasmMemory;
  } | null;
}

/**
 * The module variants for this runtime: relaxed SIMD if it validates; one on a shared
 * memory too if one can be made (a second thread may join later). Null without SIMD.
 */
function choose(wa: WasmApi, isolated: boolean | undefined): Chosen | null {
  try {
    const relaxed = wa.validate(decode(RELAXED_SIMD));
    const features: WasmFeatures = relaxed ? 'relaxed-simd' : 'simd';
    if (!relaxed && !wa.validate(decode(SIMD))) return null;
    let shared: WasmMemory | null = null;
    // A page that is not cross-origin isolated can start no worker on shared memory, yet
    // Chrome makes shared WebAssembly memory there, through which copies run slower: only
    // where a second thread can join (Node, where `crossOriginIsolated` is undefined, and
    // isolated pages).
    if (isolated !== false) {
      try {
        shared = new wa.Memory({ initial: 16, maximum: SHARED_MAX_PAGES, shared: true });
      } catch {
        // no shared memory here
      }
    }
    const threaded =
      shared === null
        ? null
        : { bytes: decode(relaxed ? RELAXED_SIMD_SHARED : SIMD_SHARED), memory: shared };
    return { bytes: decode(relaxed ? RELAXED_SIMD : SIMD), features, threaded };
  } catch {
    return null; // a runtime without WebAssembly, or one that refuses to validate
  }
}

/**
 * The module's memory as a scratch area above its static data, laid out afresh by each
 * call: the control block of the second thread first, then the call's operands.
 */
class Scratch {
  readonly exports: Exports;
  readonly memory: WasmMemory;
  /** The control block's address (CONTROL_INTS int32s). */
  readonly control: number;
  /** The first byte a call may use. */
  readonly base: number;
  f32: Float32Array;
  f64: Float64Array;
  /** The control block as int32s (a view of shared memory stays valid as it grows). */
  readonly ctl: Int32Array;

  constructor(exports: Exports, memory: WasmMemory) {
    this.exports = exports;
    this.memory = memory;
    this.control = (exports.heapBase() + 15) & ~15;
    this.base = this.control + CONTROL_INTS * 4;
    // a module's own memory may end at its static data: make room for the control block
    const short = this.base - memory.buffer.byteLength;
    if (short > 0) memory.grow(Math.ceil(short / 65536));
    this.f32 = new Float32Array(memory.buffer);
    this.f64 = new Float64Array(memory.buffer);
    this.ctl = new Int32Array(memory.buffer, this.control, CONTROL_INTS);
  }

  /** Makes `bytes` bytes above `base` addressable; views made before a growth are renewed. */
  reserve(bytes: number): void {
    const need = this.base + bytes - this.memory.buffer.byteLength;
    if (need > 0) this.memory.grow(Math.ceil(need / 65536));
    if (this.f32.buffer !== this.memory.buffer) {
      this.f32 = new Float32Array(this.memory.buffer);
      this.f64 = new Float64Array(this.memory.buffer);
    }
  }

  /** Copies src[from, from + count) to the byte address `at`. */
  put(src: Float32Array | Float64Array, from: number, count: number, at: number): void {
    if (src instanceof Float32Array) this.f32.set(src.subarray(from, from + count), at >> 2);
    else this.f64.set(src.subarray(from, from + count), at >> 3);
  }

  /** Copies `count` values at the byte address `at` to dst[to…]. */
  take(at: number, count: number, dst: Float32Array | Float64Array, to: number): void {
    if (dst instanceof Float32Array) dst.set(this.f32.subarray(at >> 2, (at >> 2) + count), to);
    else dst.set(this.f64.subarray(at >> 3, (at >> 3) + count), to);
  }
}

/** Byte size rounded up to 16, so every region starts vector-aligned. */
const aligned = (floats: number): number => (floats * 4 + 15) & ~15;

/** The number of elements an m×k operand reaches from its offset, or null if too scattered. */
function spanOf(op: Operand, rows: number, cols: number): number | null {
  if (op.rs < 0 || op.cs < 0) return null;
  const length = (rows - 1) * op.rs + (cols - 1) * op.cs + 1;
  return length <= MAX_SPREAD * rows * cols ? length : null;
}

/** The second thread, as the product sees it. */
interface Helper {
  /** The instance on the memory the worker shares, where a shared product runs. */
  readonly scratch: Scratch;
  /** Whether a worker is running and ready for jobs. */
  ready(): boolean;
  /**
   * Computes a product with the worker, cut into `chunks` chunks of `width` rows or columns;
   * `first` runs on this thread once the worker has been told.
   */
  share(
    product: Product,
    byColumns: boolean,
    width: number,
    chunks: number,
    work: number,
    workerWork: number,
    first?: () => void,
  ): void;
}

function makeHelper(scratch: Scratch): Helper {
  const ctl = scratch.ctl;
  let job = 0;
  let lost = false;
  return {
    scratch,
    ready: () => !lost && Atomics.load(ctl, READY) === 1,
    share(product, byColumns, width, chunks, work, workerWork, first) {
      // gemmShare's arguments (wasm/assembly/share.ts): the product with C's row stride n
      ctl.set(product, ARGS);
      ctl.set([product[1], byColumns ? 1 : 0, width, chunks, workerWork], ARGS + 10);
      job = (job % 0x7fff) + 1; // 1 … 32767: the high half of NEXT
      Atomics.store(ctl, FINISHED, 0);
      Atomics.store(ctl, NEXT, job << 16);
      Atomics.store(ctl, POSTED, job);
      Atomics.notify(ctl, POSTED);
      first?.();
      scratch.exports.gemmShare(scratch.control, job, work);
      let t0 = 0;
      for (let spins = 0; Atomics.load(ctl, FINISHED) !== chunks; spins++) {
        if ((spins & 4095) !== 4095) continue;
        const now = performance.now();
        if (t0 === 0) t0 = now;
        else if (now - t0 > WORKER_TIMEOUT_MS) {
          lost = true;
          throw new Error(
            `matmul: the 'wasm' backend's second thread did not finish its part of a product in ${WORKER_TIMEOUT_MS / 1000} s; products run on one thread from now on`,
          );
        }
      }
    },
  };
}

/** From this many output values, a shared product first-touches its output's pages. */
const PREFAULT_MIN = 1 << 16;

/** Writes a 0 into every 4 KiB page of c[from, from + count), which the product overwrites. */
function prefault(c: Float32Array, from: number, count: number): void {
  const end = from + count;
  for (let i = from; i < end; i += 1024) c[i] = 0;
}

/** Chunks a shared product is cut into: each thread expects two, and takes more if the other is late. */
const CHUNKS = 4;

/**
 * The 'wasm' matrix product, on `solo`'s memory. `helperFor(work)` gives the second thread
 * for a product of that many multiply-adds (which then runs on the helper's instance), or
 * null to run it on this one.
 */
function makeGemm(
  solo: Scratch,
  helperFor: (work: number) => Helper | null,
): Pick<Kernels, 'gemm' | 'gemmBias' | 'gemmBiasRelu' | 'linearReluGrads'> {
  const workBytes = solo.exports.gemmWorkBytes();
  /**
   * Whether `product` runs an m×n×k float32 product (operands within their spread) in this
   * module on this thread: not on the JS kernel, not shared with the second thread.
   */
  const runsSolo = (m: number, n: number, k: number): boolean => {
    const work = m * n * k;
    const skinny = m < GEMM_MIN_DIM || n < GEMM_MIN_DIM || k < GEMM_MIN_DIM;
    return work >= (skinny ? SKINNY_MIN_WORK : GEMM_MIN_WORK) && (skinny || !helperFor(work));
  };
  /** Bytes of scratch a product on this thread needs past its output (`product`'s layout). */
  const soloScratch = (m: number, n: number, k: number): number =>
    m < GEMM_MIN_DIM || n < GEMM_MIN_DIM || k < GEMM_MIN_DIM
      ? aligned(k * Math.max(n, 4) + 4 * k + 4)
      : workBytes;
  /** C = A·B (C dense) for operands already in `solo`'s memory, as `product` runs it there. */
  function productAt(product: Product, work: number): void {
    const [m, n, k] = product;
    const ex = solo.exports;
    if (m < GEMM_MIN_DIM || n < GEMM_MIN_DIM || k < GEMM_MIN_DIM) {
      ex.gemmSkinny(...product, work, 0, 0);
    } else {
      ex.gemm(...product, n, work);
    }
  }
  /** See `Kernels.linearReluGrads`: dz stays in module memory for dW, db and dx. */
  const linearReluGrads: NonNullable<Kernels['linearReluGrads']> = (
    m,
    n,
    k,
    dy,
    h,
    x,
    w,
    dx,
    dw,
    db,
  ) => {
    const xLen = spanOf(x, m, k);
    const wLen = spanOf(w, n, k);
    if (
      !(dy.data instanceof Float32Array) ||
      !(h.data instanceof Float32Array) ||
      !(x.data instanceof Float32Array) ||
      !(w.data instanceof Float32Array) ||
      xLen === null ||
      wLen === null ||
      m * n < MAP_MIN_SIZE ||
      (dw !== null && !runsSolo(n, k, m)) ||
      (dx !== null && !runsSolo(m, k, n))
    ) {
      return false;
    }
    // dz (over dy), h, x, W, then an output and the products' scratch
    const dzAt = solo.base;
    const hAt = dzAt + aligned(m * n);
    const xAt = hAt + aligned(m * n);
    const wAt = xAt + aligned(xLen);
    const outAt = wAt + aligned(wLen);
    const workAt = outAt + aligned(Math.max(m * k, n * k, n));
    const scratch = Math.max(soloScratch(n, k, m), soloScratch(m, k, n));
    solo.reserve(workAt + scratch - solo.base);
    const ex = solo.exports;
    solo.put(dy.data, dy.offset, m * n, dzAt);
    solo.put(h.data, h.offset, m * n, hAt);
    ex.mapF32(RELU_BACKWARD, m * n, dzAt, hAt, dzAt, 0);
    if (db !== null) {
      ex.sumRowsF32(m, n, dzAt, outAt);
      solo.take(outAt, n, db, 0);
    }
    if (dw !== null) {
      // dzᵀ (n×m, dz read column by column)·x
      solo.put(x.data, x.offset, xLen, xAt);
      productAt([n, k, m, dzAt, 1, n, xAt, x.rs, x.cs, outAt], workAt);
      solo.take(outAt, n * k, dw, 0);
    }
    if (dx !== null) {
      solo.put(w.data, w.offset, wLen, wAt);
      productAt([m, k, n, dzAt, n, 1, wAt, w.rs, w.cs, outAt], workAt);
      solo.take(outAt, m * k, dx, 0);
    }
    return true;
  };
  /** C = A·B (+ the bias row, then relu: in wasm memory before C is copied out). */
  function product(
    m: number,
    n: number,
    k: number,
    a: Operand,
    b: Operand,
    bias: Dense | null,
    c: FloatArray,
    co: number,
    relu: boolean,
  ): void {
    if (
      !(a.data instanceof Float32Array) ||
      !(b.data instanceof Float32Array) ||
      !(c instanceof Float32Array) ||
      (bias !== null && !(bias.data instanceof Float32Array))
    ) {
      gemmWith(jsKernels, m, n, k, a, b, bias, c, co, relu);
      return;
    }
    const aLen = spanOf(a, m, k);
    const bLen = spanOf(b, k, n);
    const work = m * n * k;
    // skinny (a side under 4: the case study's 2 inputs and 3 classes) or shallow (k < 4)
    const skinny = m < GEMM_MIN_DIM || n < GEMM_MIN_DIM || k < GEMM_MIN_DIM;
    if (aLen === null || bLen === null || work < (skinny ? SKINNY_MIN_WORK : GEMM_MIN_WORK)) {
      gemmWith(jsKernels, m, n, k, a, b, bias, c, co, relu);
      return;
    }
    const helper = skinny ? null : helperFor(work);
    const scratch = helper === null ? solo : helper.scratch;
    const ex = scratch.exports;
    // the operands, C, then scratch: a row-major copy of B and A's rows, or packed panels per thread
    const aAt = scratch.base;
    const bAt = aAt + aligned(aLen);
    const cAt = bAt + aligned(bLen);
    const workAt = cAt + aligned(m * n);
    // a skinny product's bias row after its scratch (a shallow one adds it as it stores C)
    const skinnyBytes = aligned(k * Math.max(n, 4) + 4 * k + 4);
    const biasAt = workAt + skinnyBytes;
    const scratchBytes = skinny ? skinnyBytes + aligned(n) : (helper ? 2 : 1) * workBytes;
    scratch.reserve(workAt + scratchBytes - scratch.base);
    scratch.put(a.data, a.offset, aLen, aAt);
    scratch.put(b.data, b.offset, bLen, bAt);
    const product: Product = [m, n, k, aAt, a.rs, a.cs, bAt, b.rs, b.cs, cAt];
    if (skinny) {
      if (bias !== null) scratch.put(bias.data, bias.offset, n, biasAt);
      // 1: the kernel added the bias and applied relu itself
      if (ex.gemmSkinny(...product, workAt, bias === null ? 0 : biasAt, relu ? 1 : 0) === 1) {
        bias = null;
        relu = false;
      }
    } else if (helper === null) {
      ex.gemm(...product, n, workAt);
    } else {
      // cut the longer side of C into chunks, each a multiple of the tile (4 rows, 8 columns)
      const byColumns = n >= m;
      const tile = byColumns ? 8 : 4;
      const side = byColumns ? n : m;
      const width = Math.ceil(side / CHUNKS / tile) * tile;
      // While the worker starts on the product, touch each page of a large new output: its
      // page faults (the OS maps fresh memory on first write, ~10 µs a page on this kind of
      // VM) then overlap the worker's chunks instead of following the product.
      const first = m * n >= PREFAULT_MIN ? () => prefault(c, co, m * n) : undefined;
      const chunks = Math.ceil(side / width);
      helper.share(product, byColumns, width, chunks, workAt, workAt + workBytes, first);
    }
    if (bias !== null) {
      // the bias row over the scratch region the product is done with (it holds ≥ n values)
      if (!skinny) scratch.put(bias.data, bias.offset, n, workAt);
      ex.mapF32(MAP_ADD, m * n, cAt, skinny ? biasAt : workAt, cAt, n);
    }
    if (relu) ex.mapF32(RELU, m * n, cAt, cAt, cAt, 0);
    scratch.take(cAt, m * n, c, co);
  }
  return {
    gemm: (m, n, k, a, b, c, co) => product(m, n, k, a, b, null, c, co, false),
    gemmBias: (m, n, k, a, b, bias, c, co) => product(m, n, k, a, b, bias, c, co, false),
    gemmBiasRelu: (m, n, k, a, b, bias, c, co) => product(m, n, k, a, b, bias, c, co, true),
    linearReluGrads,
  };
}

/**
 * The expressions `mapF32` computes, by `exprKey`, and its kind for each (wasm/assembly/
 * elementwise.ts): the ops a training step runs most. Each gives the JavaScript kernels'
 * bits: one IEEE float32 operation per value (the JS kernels round a float64 result, which
 * for +, −, × is the same number), or a selection.
 */
const MAP_ADD = 0;
const RELU = 3;
const RELU_BACKWARD = 4;
const MAP_KINDS = new Map<string, number>([
  ['add(x0,x1)', MAP_ADD],
  ['sub(x0,x1)', 1],
  ['mul(x0,x1)', 2],
  ['max(x0,0)', RELU],
  ['select(le(x1,0),0,x0)', RELU_BACKWARD], // relu's backward over (dy, x)
]);
/** Below this many values an elementwise op stays on the JavaScript kernel (measured). */
export const MAP_MIN_SIZE = 2048;
/**
 * From this many values, an expression without a kernel of its own runs a compiled one
 * (wasm/emit.ts): measured 0.3–0.5× the JavaScript kernel's time at 4096 values, float32
 * and float64, and 0.5–1.7× at 2048, where the call's set-up weighs more.
 */
export const FUSED_MIN_SIZE = 4096;
/**
 * Values an elementwise op copies into wasm memory at a time (three 64 kB regions): relu(a·b
 * + c) on 10⁶ values, three ops, ran at 1.1× tfjs-wasm's speed in four bench runs (twice at
 * 16384, twice at 32768) against 0.96× at 8192.
 */
const MAP_CHUNK = 16384;

/**
 * The values an elementwise op copies in at a time: MAP_CHUNK, or with a bias row of `row`
 * values (row > 0) whole rows, at least one.
 */
function mapChunk(row: number): number {
  return row > 0 ? Math.max(row, Math.floor(MAP_CHUNK / row) * row) : MAP_CHUNK;
}

const kindCache = new WeakMap<Expr, number>();
function kindOf(expr: Expr): number {
  let kind = kindCache.get(expr);
  if (kind === undefined) {
    kind = MAP_KINDS.get(exprKey(expr)) ?? -1;
    kindCache.set(expr, kind);
  }
  return kind;
}

/** Whether v holds n float32 values densely from its offset. */
const denseF32 = (v: View, n: number): boolean =>
  v.data instanceof Float32Array && sizeOf(v.shape) === n && isRowMajor(v.shape, v.stride);

function makeMap(scratch: Scratch, fused: Fused): Kernels['map'] {
  const ex = scratch.exports;
  return function map(expr, inputs, out, params) {
    const n = sizeOf(out.shape);
    if (n < MAP_MIN_SIZE || !isRowMajor(out.shape, out.stride)) {
      jsKernels.map(expr, inputs, out, params);
      return;
    }
    const kind = kindOf(expr);
    const x = inputs[0]!;
    const y = kind === RELU ? x : inputs[1]!;
    // y either has out's values, or is a bias: one row of out's last dim, broadcast
    const row = out.shape[out.shape.length - 1]!;
    const yRow =
      kind >= 0 && !denseF32(y, n) && denseF32(y, row) && y.shape[y.shape.length - 1] === row;
    if (kind < 0 || !denseF32(out, n) || !denseF32(x, n) || !(yRow || denseF32(y, n))) {
      if (n < FUSED_MIN_SIZE || !fused(expr, inputs, out, params ?? NO_PARAMS, n)) {
        jsKernels.map(expr, inputs, out, params);
      }
      return;
    }
    // In chunks that stay in cache: each value is read from its array once and written to
    // the output once, instead of streaming through wasm memory three times.
    const chunk = mapChunk(yRow ? row : 0);
    const span = Math.min(n, chunk);
    const xAt = scratch.base;
    const yAt = xAt + aligned(span);
    const outAt = yAt + aligned(yRow ? row : span);
    scratch.reserve(outAt + aligned(span) - scratch.base);
    const yAddr = y === x ? xAt : yAt;
    if (yRow) scratch.put(y.data, y.offset, row, yAt);
    for (let done = 0; done < n; done += chunk) {
      const count = Math.min(chunk, n - done);
      scratch.put(x.data, x.offset + done, count, xAt);
      if (y !== x && !yRow) scratch.put(y.data, y.offset + done, count, yAt);
      ex.mapF32(kind, count, xAt, yAddr, outAt, yRow ? row : 0);
      scratch.take(outAt, count, out.data, out.offset + done);
    }
  };
}

const NO_PARAMS: readonly number[] = [];

/**
 * The functions a generated kernel computes as V8 does (fdlibm's exp, msun's tanh), each
 * with arguments on which another libm's results tend to differ: across the range (for exp,
 * −746 … 710 in steps that hit every reduction k; for tanh, −25 … 25), near 0, and at the
 * algorithms' branch points; 4096 of them (a multiple of 4, as a kernel's region wants).
 */
const CHECKED = {
  exp: {
    expr: exp(input(0)),
    reference: (x: number) => Math.exp(x),
    probes: () =>
      probes(
        [0, 1, 0.5, Math.LN2 / 2, 1.5 * Math.LN2, 2 ** -28, 707, 709.782712893384],
        (i) => -746 + (i * 1456) / 3072 + i * 1e-9,
      ),
  },
  tanh: {
    expr: tanh(input(0)),
    reference: (x: number) => Math.tanh(x),
    probes: () =>
      probes(
        [0, 1, 0.5, 22, 2 ** -28, Math.LN2 / 4, 0.75 * Math.LN2, 28 * Math.LN2, 10 * Math.LN2],
        (i) => -25 + (i * 50) / 3072 + i * 1e-9,
      ),
  },
} as const;

function probes(edges: readonly number[], spread: (i: number) => number): Float64Array {
  const out = new Float64Array(4096);
  let i = 0;
  for (const v of edges) for (const s of [1, -1]) out[i++] = s * v;
  for (; i < 3072; i++) out[i] = spread(i);
  for (; i < 4096; i++) out[i] = (i - 3584) * 2 ** -9 * (1 + i * 2 ** -40);
  return out;
}

/**
 * Computes `out = expr(inputs…)` (out dense, of n values) with a kernel compiled for the
 * expression and its operands' layouts (wasm/emit.ts) and returns true, or returns false
 * for the JavaScript kernel: an operation f64x2 lacks, an input neither dense, a bias row
 * nor one value, or a runtime that does not compile the module.
 */
type Fused = (
  expr: Expr,
  inputs: readonly View[],
  out: View,
  params: readonly number[],
  n: number,
) => boolean;

type FusedKernel = (...args: number[]) => void;

function makeFused(wa: WasmApi, scratch: Scratch): Fused {
  const kernels = new Map<string, FusedKernel | null>();
  const keys = new WeakMap<Expr, string>();
  const compile = (expr: Expr, spec: MapSpec): FusedKernel | null => {
    const bytes = emitMap(expr, spec);
    if (bytes === null) return null;
    try {
      const instance = new wa.Instance(new wa.Module(bytes), {
        env: { memory: scratch.memory },
      });
      return (instance.exports as { k: FusedKernel }).k;
    } catch {
      return null; // e.g. a browser's main thread that compiles only asynchronously
    }
  };
  // exp and tanh are computed as V8 computes Math.exp and Math.tanh; an engine whose results
  // differ (another libm) keeps expressions with them on the JavaScript kernel, so that both
  // backends agree
  const agrees = new Map<keyof typeof CHECKED, boolean>();
  const check = (name: keyof typeof CHECKED): boolean => {
    const { expr, reference } = CHECKED[name];
    const kernel = compile(expr, {
      inputs: [{ kind: 'full', f64: true }],
      params: 0,
      out64: true,
    });
    if (kernel === null) return false;
    const xs = CHECKED[name].probes();
    const n = xs.length;
    const outAt = scratch.base + n * 8;
    scratch.reserve(2 * n * 8);
    scratch.put(xs, 0, n, scratch.base);
    kernel(n, n, outAt, scratch.base);
    const got = new Float64Array(n);
    scratch.take(outAt, n, got, 0);
    return xs.every((x, i) => Object.is(got[i], reference(x)));
  };
  const allowed = (key: string): boolean => {
    for (const name of ['exp', 'tanh'] as const) {
      if (!key.includes(`${name}(`)) continue;
      let ok = agrees.get(name);
      if (ok === undefined) {
        ok = check(name);
        agrees.set(name, ok);
      }
      if (!ok) return false;
    }
    return true;
  };
  return function fused(expr, inputs, out, params, n) {
    const od = out.data;
    if (!(od instanceof Float32Array || od instanceof Float64Array)) return false;
    const row = out.shape[out.shape.length - 1]!;
    const layouts: InputLayout[] = [];
    let hasRow = false;
    for (const v of inputs) {
      const d = v.data;
      if (!(d instanceof Float32Array || d instanceof Float64Array)) return false;
      const f64 = d instanceof Float64Array;
      const size = sizeOf(v.shape);
      if (size === 1) layouts.push({ kind: 'scalar' });
      else if (size === n && isRowMajor(v.shape, v.stride)) layouts.push({ kind: 'full', f64 });
      else if (
        size === row &&
        v.shape[v.shape.length - 1] === row &&
        isRowMajor(v.shape, v.stride)
      ) {
        layouts.push({ kind: 'row', f64 });
        hasRow = true;
      } else return false;
    }
    const spec: MapSpec = {
      inputs: layouts,
      params: params.length,
      out64: od instanceof Float64Array,
    };
    let exprKeyed = keys.get(expr);
    if (exprKeyed === undefined) {
      exprKeyed = exprKey(expr);
      keys.set(expr, exprKeyed);
    }
    const key = `${exprKeyed}|${layoutKey(spec)}`;
    let kernel = kernels.get(key);
    if (kernel === undefined) {
      kernel = remember(kernels, key, allowed(exprKeyed) ? compile(expr, spec) : null);
    }
    if (kernel === null) return false;

    // regions: each input in memory (one per distinct view), then the output
    const chunk = mapChunk(hasRow ? row : 0);
    const span = Math.min(n, chunk);
    // room for the values rounded up to 4: a kernel computes 4 at a time (wasm/emit.ts)
    const region = (values: number, f64: boolean) => ((values + 3) & ~3) << (f64 ? 3 : 2);
    /** Whether input i is the first of its view (a view given twice is copied once). */
    const firstOf = (i: number): boolean => inputs.indexOf(inputs[i]!) === i;
    const addrs: number[] = [];
    let at = scratch.base;
    for (let i = 0; i < inputs.length; i++) {
      const l = layouts[i]!;
      if (l.kind === 'scalar') addrs.push(-1);
      else if (!firstOf(i)) addrs.push(addrs[inputs.indexOf(inputs[i]!)]!);
      else {
        addrs.push(at);
        at += region(l.kind === 'full' ? span : row, l.f64);
      }
    }
    const outAt = at;
    scratch.reserve(outAt + region(span, spec.out64) - scratch.base);
    // the kernel's arguments: count, row, out, the addresses, the scalars, the params
    const args = [0, 0, outAt];
    for (let i = 0; i < inputs.length; i++) if (addrs[i]! >= 0) args.push(addrs[i]!);
    for (let i = 0; i < inputs.length; i++) {
      if (addrs[i]! < 0) args.push(inputs[i]!.data[inputs[i]!.offset]!);
    }
    args.push(...params);
    for (let i = 0; i < inputs.length; i++) {
      const v = inputs[i]!;
      if (layouts[i]!.kind === 'row' && firstOf(i)) scratch.put(v.data, v.offset, row, addrs[i]!);
    }
    for (let done = 0; done < n; done += chunk) {
      const count = Math.min(chunk, n - done);
      for (let i = 0; i < inputs.length; i++) {
        const v = inputs[i]!;
        if (layouts[i]!.kind === 'full' && firstOf(i)) {
          scratch.put(v.data, v.offset + done, count, addrs[i]!);
        }
      }
      args[0] = count;
      args[1] = hasRow ? row : count;
      kernel(...args);
      scratch.take(outAt, count, od, out.offset + done);
    }
    return true;
  };
}

/** Below this many values a column sum stays on the JavaScript kernel (measured). */
export const SUM_ROWS_MIN_SIZE = 4096;

/**
 * The 'wasm' reduction: a float32 matrix summed over its rows (dims [0], dense, row-major:
 * a bias gradient) in wasm, with the JavaScript kernel's bits (float64 sums from row 0 down,
 * rounded once); every other reduction on the JavaScript kernel.
 */
function makeReduce(scratch: Scratch): Kernels['reduce'] {
  const ex = scratch.exports;
  return function reduce(kind, x, dims, out, pre) {
    const { shape, stride } = x;
    if (
      kind !== 'sum' ||
      pre !== undefined ||
      shape.length !== 2 ||
      dims.length !== 1 ||
      dims[0] !== 0 ||
      !(x.data instanceof Float32Array) ||
      !(out instanceof Float32Array) ||
      stride[1] !== 1 ||
      stride[0] !== shape[1]
    ) {
      jsKernels.reduce(kind, x, dims, out, pre);
      return;
    }
    const m = shape[0]!;
    const n = shape[1]!;
    if (m * n < SUM_ROWS_MIN_SIZE) {
      jsKernels.reduce(kind, x, dims, out, pre);
      return;
    }
    const xAt = scratch.base;
    const outAt = xAt + aligned(m * n);
    scratch.reserve(outAt + aligned(n) - scratch.base);
    scratch.put(x.data, x.offset, m * n, xAt);
    ex.sumRowsF32(m, n, xAt, outAt);
    scratch.take(outAt, n, out, 0);
  };
}

/**
 * From this many values an optimizer's update runs in the module: measured 0.36–0.46× the
 * JavaScript kernel's time at 1024 float32 values (Adam, SGD with momentum), 0.21–0.31× from
 * 4096.
 */
export const UPDATE_MIN_SIZE = 1024;
/** Values of each array an update copies in at a time. */
const UPDATE_CHUNK = 65536;
/** Which of an update's arrays it writes: p and the state (not the gradient). */
const SGD_WRITES = [true, false, true];
const ADAM_WRITES = [true, false, true, true, true];

/**
 * The optimizers' update kernels (SGD with or without momentum, Adam / AdamW) in wasm
 * (assembly/updates.ts, the JavaScript kernels' bits), over chunks copied in and back: a
 * parameter, its gradient and its state of one dtype, none sharing memory with another.
 */
function makeUpdates(scratch: Scratch): Pick<Kernels, 'sgdStep' | 'adamStep'> {
  const ex = scratch.exports;
  /** Whether the arrays suit the module: one dtype, n values each, no two in one buffer. */
  const suits = (n: number, arrays: readonly Dense[]): boolean => {
    if (n < UPDATE_MIN_SIZE) return false;
    const f64 = arrays[0]!.data instanceof Float64Array;
    for (let i = 0; i < arrays.length; i++) {
      const d = arrays[i]!.data;
      if (!(f64 ? d instanceof Float64Array : d instanceof Float32Array)) return false;
      for (let j = 0; j < i; j++) if (arrays[j]!.data.buffer === d.buffer) return false;
    }
    return true;
  };
  /** The arrays' addresses in module memory, reused by every call. */
  const at = [0, 0, 0, 0, 0];
  /**
   * Runs `kernel(count)` over n values in chunks at the addresses `at`: `arrays` copied in,
   * then those listed in `written` copied back. Chunks of 65536 values (256 kB of float32 an
   * array) bound the scratch memory; 8192 measured the same speed, with 8× the copies' views.
   */
  const chunked = (
    n: number,
    arrays: readonly Dense[],
    written: readonly boolean[],
    kernel: (count: number) => void,
  ): void => {
    const f64 = arrays[0]!.data instanceof Float64Array;
    const span = Math.min(n, UPDATE_CHUNK);
    const bytes = (span * (f64 ? 8 : 4) + 15) & ~15;
    for (let i = 0; i < arrays.length; i++) at[i] = scratch.base + i * bytes;
    scratch.reserve(arrays.length * bytes);
    for (let done = 0; done < n; done += span) {
      const count = Math.min(span, n - done);
      for (let i = 0; i < arrays.length; i++) {
        scratch.put(arrays[i]!.data, arrays[i]!.offset + done, count, at[i]!);
      }
      kernel(count);
      for (let i = 0; i < arrays.length; i++) {
        if (written[i]) scratch.take(at[i]!, count, arrays[i]!.data, arrays[i]!.offset + done);
      }
    }
  };
  return {
    sgdStep(p, g, buf, n, h) {
      if (!suits(n, buf === null ? [p, g] : [p, g, buf])) {
        jsKernels.sgdStep(p, g, buf, n, h);
        return;
      }
      const f64 = p.data instanceof Float64Array ? 1 : 0;
      if (buf === null) {
        chunked(n, [p, g], SGD_WRITES, (count) => {
          ex.sgdStep(f64, count, at[0]!, at[1]!, h.lr, h.weightDecay);
        });
        return;
      }
      // the buffer's weights: 0 and 1 on its first step (it is zero), as the JS kernel
      const bm = h.first ? 0 : h.momentum;
      const bk = h.first ? 1 : h.keep;
      chunked(n, [p, g, buf], SGD_WRITES, (count) => {
        ex.sgdMomentumStep(
          f64,
          count,
          at[0]!,
          at[1]!,
          at[2]!,
          h.lr,
          h.weightDecay,
          h.momentum,
          bm,
          bk,
          h.nesterov ? 1 : 0,
        );
      });
    },
    adamStep(p, g, m, v, vmax, n, h) {
      const amsgrad = h.amsgrad && vmax !== null;
      const arrays = amsgrad ? [p, g, m, v, vmax!] : [p, g, m, v];
      if (!suits(n, arrays)) {
        jsKernels.adamStep(p, g, m, v, vmax, n, h);
        return;
      }
      const f64 = p.data instanceof Float64Array ? 1 : 0;
      chunked(n, arrays, ADAM_WRITES, (count) => {
        ex.adamStep(
          f64,
          count,
          at[0]!,
          at[1]!,
          at[2]!,
          at[3]!,
          at[amsgrad ? 4 : 3]!,
          h.decay,
          h.l2,
          h.w1,
          h.beta2,
          h.w2,
          h.stepSize,
          h.bc2Sqrt,
          h.eps,
          amsgrad ? 1 : 0,
        );
      });
    },
  };
}

export interface WasmBackend {
  readonly kernels: Kernels;
  readonly features: WasmFeatures;
  /** Starts the second thread if it is not running; resolves to whether it runs. */
  start(): Promise<boolean>;
  /** Uses at most this many threads (1 or 2) from now on. */
  setThreads(n: 1 | 2): void;
  /** The threads products use now: 2 once the worker runs (unless limited to 1). */
  threads(): 1 | 2;
}

/**
 * The 'wasm' backend: built at once where the runtime compiles synchronously (Node, workers),
 * as a promise where it refuses to (a browser's main thread refuses modules over 4 KB), or
 * null where WebAssembly SIMD does not run. `wa` is the WebAssembly API (a test passes one
 * that refuses synchronous compilation); `isolated`, the page's `crossOriginIsolated`.
 */
export function loadWasmBackend(
  wa: WasmApi | undefined = (globalThis as { WebAssembly?: WasmApi }).WebAssembly,
  isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated,
): WasmBackend | Promise<WasmBackend | null> | null {
  if (wa === undefined) return null;
  const chosen = choose(wa, isolated);
  if (chosen === null) return null;
  let instance: { readonly exports: object };
  try {
    instance = new wa.Instance(new wa.Module(chosen.bytes), {});
  } catch {
    // a runtime that compiles large modules only asynchronously
    return (async () => {
      const m = await wa.compile(chosen.bytes);
      return build(wa, chosen, await wa.instantiate(m, {}));
    })().catch(() => null);
  }
  return build(wa, chosen, instance);
}

function build(wa: WasmApi, chosen: Chosen, instance: { readonly exports: object }): WasmBackend {
  const { threaded } = chosen;
  const exports = instance.exports as Exports & { memory: WasmMemory };
  const scratch = new Scratch(exports, exports.memory);
  let helper: Helper | null = null;
  let limit: 1 | 2 = 2;
  // The worker starts with the first product large enough to share (or threadsReady()), so a
  // process that never computes one runs no thread and compiles no shared variant; that
  // product still runs on one.
  let started: Promise<boolean> | null = threaded === null ? Promise.resolve(false) : null;
  const start = (): Promise<boolean> => {
    if (started !== null || threaded === null) return started ?? Promise.resolve(false);
    const { bytes, memory } = threaded;
    started = (async () => {
      // the instance on shared memory, here and in the worker (compiled once)
      const module = await wa.compile(bytes);
      const onShared = await wa.instantiate(module, { env: { memory } });
      const s = new Scratch(onShared.exports as Exports, memory);
      const h = makeHelper(s);
      const ok = await startWorker({ module, memory, control: s.control }, () => {
        helper = null;
      });
      if (ok) helper = h;
      return ok;
    })().catch(() => false);
    return started;
  };
  const available = (): boolean => limit === 2 && helper !== null && helper.ready();
  const helperFor = (work: number): Helper | null => {
    if (limit === 1 || work < GEMM_THREADS_MIN_WORK) return null;
    if (started === null) void start(); // this product still runs on one thread
    return available() ? helper : null;
  };
  const kernels: Kernels = {
    ...jsKernels,
    map: makeMap(scratch, makeFused(wa, scratch)),
    ...makeGemm(scratch, helperFor),
    reduce: makeReduce(scratch),
    ...makeUpdates(scratch),
  };
  return {
    kernels,
    features: chosen.features,
    start,
    setThreads(n) {
      limit = n;
    },
    threads: () => (available() ? 2 : 1),
  };
}
