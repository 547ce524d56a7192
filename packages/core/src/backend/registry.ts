// The backend registry: which kernels the ops run on. 'js' is always there; 'wasm' is
// registered and chosen when the runtime runs WebAssembly SIMD; others register themselves,
// and `setBackend` chooses.
import { ValueError } from '../errors.js';
import { jsKernels } from './js/index.js';
import type { Kernels } from './kernels.js';
import { loadWasmBackend, type WasmBackend } from './wasm/index.js';

const backends = new Map<string, Kernels>([['js', jsKernels]]);
let currentName = 'js';
let current: Kernels = jsKernels;
/** Whether `setBackend` was called: then a 'wasm' backend that arrives late is not switched to. */
let chosen = false;

let wasm: WasmBackend | null = null;
const loaded = loadWasmBackend();
/** Settles once the 'wasm' backend is registered (or known to be unavailable). */
let compiling = loaded instanceof Promise;
const settled: Promise<void> =
  loaded instanceof Promise
    ? loaded
        .then(install, () => undefined)
        .finally(() => {
          compiling = false;
        })
    : Promise.resolve(install(loaded));

function install(backend: WasmBackend | null): void {
  if (backend === null) return;
  wasm = backend;
  backends.set('wasm', backend.kernels);
  if (!chosen) {
    currentName = 'wasm';
    current = backend.kernels;
  }
}

/**
 * Which WebAssembly features the 'wasm' backend uses here, or null without it (for tests;
 * read at load time, so null in a browser's main thread, where the backend arrives later).
 */
export const wasmFeatures = wasm === null ? null : (wasm as WasmBackend).features;
/** The backend ops run on until `setBackend` is called (at load time; see `ready`). */
export const defaultBackend = currentName;

/**
 * Resolves, once the default backend is in place, to the name of the backend ops run on.
 * Node builds the 'wasm' backend as it loads; a browser's main thread compiles WebAssembly
 * only asynchronously, so there ops run on 'js' until this resolves (like TensorFlow.js's
 * `tf.ready()`). Awaiting it first is enough: later ops run on 'wasm'. A backend chosen with
 * `setBackend` before then stays chosen.
 *
 * @example
 * await ready(); // 'wasm' where WebAssembly SIMD runs, else 'js'
 */
export async function ready(): Promise<string> {
  await settled;
  return currentName;
}

/**
 * Run every op on the named backend from now on. 'wasm' (WebAssembly SIMD kernels) is the
 * default where the runtime supports it; 'js' (plain JavaScript) runs everywhere.
 *
 * @example
 * setBackend('js'); // the JavaScript kernels, available everywhere
 */
export function setBackend(name: string): void {
  const k = backends.get(name);
  if (k === undefined && name === 'wasm' && compiling) {
    throw new ValueError(
      'setBackend',
      "the 'wasm' backend is still compiling (this runtime compiles WebAssembly only asynchronously): await ready() first",
    );
  }
  if (k === undefined) throw unknownBackend('setBackend', name);
  currentName = name;
  current = k;
  chosen = true;
}

/** The error for a backend `op` was given that is not registered, naming those that are. */
function unknownBackend(op: string, name: string): ValueError {
  const known = listBackends()
    .map((b) => `'${b}'`)
    .join(', ');
  return new ValueError(
    op,
    `unknown backend ${JSON.stringify(name)}; the backends here are ${known}`,
  );
}

/** The name of the backend ops run on. @example getBackend() // 'wasm' (or 'js') */
export function getBackend(): string {
  return currentName;
}

/**
 * What a backend's kernels use beyond plain JavaScript (the current backend's by default), as
 * PyTorch's `torch.backends.cpu.get_cpu_capability()` tells: on 'wasm', `'simd'`, with
 * `'relaxed-simd'` where the runtime validates it (fused multiply-add in the matrix products:
 * Chrome 114+, Node 21+; Node 20 runs it with `node --experimental-wasm-relaxed-simd`); `[]`
 * on 'js' and on a backend registered by a user.
 *
 * @example
 * backendFeatures(); // ['simd'] in Node 20, ['simd', 'relaxed-simd'] in Chrome
 */
export function backendFeatures(name: string = currentName): string[] {
  if (!backends.has(name)) throw unknownBackend('backendFeatures', name);
  if (name !== 'wasm' || wasm === null) return [];
  return wasm.features === 'relaxed-simd' ? ['simd', 'relaxed-simd'] : ['simd'];
}

/** The names of the registered backends. @example listBackends() // ['js', 'wasm'] */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/**
 * Make a backend available under `name` (replacing one of that name, except 'js'). A backend
 * may reuse the 'js' kernels for what it does not implement: `{ ...kernelsOf('js'), gemm }`.
 *
 * @example
 * registerBackend('counting', { ...kernelsOf('js'), gemm: countingGemm });
 */
export function registerBackend(name: string, kernels: Kernels): void {
  if (typeof name !== 'string' || name === '') {
    throw new ValueError('registerBackend', `name must be a non-empty string, got ${String(name)}`);
  }
  if (name === 'js' || (name === 'wasm' && loaded !== null)) {
    throw new ValueError(
      'registerBackend',
      `the '${name}' backend is built in and cannot be replaced`,
    );
  }
  backends.set(name, kernels);
  if (currentName === name) current = kernels;
}

/** The kernels of a registered backend. @example kernelsOf('js').gemm */
export function kernelsOf(name: string): Kernels {
  const k = backends.get(name);
  if (k === undefined) {
    throw new ValueError('kernelsOf', `unknown backend ${JSON.stringify(name)}`);
  }
  return k;
}

/**
 * Let kernels use at most `n` threads (PyTorch's `torch.set_num_threads`). The 'wasm'
 * backend shares large matrix products with one worker on a second core where shared
 * memory and workers run (Node; cross-origin isolated pages): up to 2 threads. Other
 * kernels use one.
 *
 * @example
 * setNumThreads(1); // products on the calling thread only
 */
export function setNumThreads(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ValueError(
      'setNumThreads',
      `the number of threads must be a whole number ≥ 1, got ${String(n)}`,
    );
  }
  wasm?.setThreads(n >= 2 ? 2 : 1);
}

/**
 * The threads the kernels use now: on the 'wasm' backend, 2 once its worker runs (unless
 * `setNumThreads(1)`); else 1. The worker starts in the background with the first product
 * large enough to share (which still runs on one thread), or with `threadsReady()`.
 *
 * @example getNumThreads() // 2 in Node once the worker runs
 */
export function getNumThreads(): number {
  return wasm !== null && current === wasm.kernels ? wasm.threads() : 1;
}

/**
 * Starts the 'wasm' backend's worker if it is not running and resolves, once it has
 * started (or could not), to the number of threads the kernels then use.
 *
 * @example await threadsReady(); // 2 in Node
 */
export async function threadsReady(): Promise<number> {
  if (wasm !== null) await wasm.start();
  return getNumThreads();
}

/** The kernels of the current backend: what ops compute with. @example kernels().gemm(…) */
export function kernels(): Kernels {
  return current;
}
