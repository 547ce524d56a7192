// The anchors the benches compare tapegrad with, each loaded once and on demand, so that a
// missing or broken one becomes a skip note (`anchorStatuses()`), never a crash:
//
// - TensorFlow.js 4.22 (`@tensorflow/tfjs`, the union package: tfjs-core alone registers no
//   gradients) on its pure-JS 'cpu' backend and on 'wasm' (@tensorflow/tfjs-backend-wasm:
//   XNNPACK compiled to WebAssembly; one thread and the SIMD binary, checked by hashing the
//   bytes actually instantiated against the package's three .wasm files);
// - jax-js (`@jax-js/jax`) on its 'wasm' device, which compiles kernels to WebAssembly;
// - numpy, in a Python subprocess (bench/anchors/numpy_bench.py) pinned to one BLAS thread.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Tf = typeof import('@tensorflow/tfjs');
export type Jax = typeof import('@jax-js/jax');
export type JaxArray = import('@jax-js/jax').Array;
export type TfBackend = 'cpu' | 'wasm';

/** The anchors' names in every table. */
export const TF_CPU = 'tfjs-cpu';
export const TF_WASM = 'tfjs-wasm';
export const TF_WASM_NR = 'tfjs-wasm no readback';
export const JAX = 'jax-js';
export const NUMPY = 'numpy';

/** The table name of tfjs on `backend`. */
export const tfName = (backend: TfBackend): string => (backend === 'cpu' ? TF_CPU : TF_WASM);

/** Whether an anchor loaded, and what it is (version, binary, threads) or why not. */
export interface AnchorStatus {
  readonly available: boolean;
  readonly detail: string;
}

const statuses = new Map<string, AnchorStatus>();

/** Every anchor tried so far in this process, by name ('tfjs-cpu', 'tfjs-wasm', …). */
export function anchorStatuses(): Record<string, AnchorStatus> {
  return Object.fromEntries(statuses);
}

/** The status line of an anchor for a table's notes, e.g. `tfjs-wasm: skipped — …`. */
export function anchorNote(name: string): string {
  const s = statuses.get(name);
  if (s === undefined) return `${name}: not tried`;
  return s.available ? `${name}: ${s.detail}` : `${name}: skipped — ${s.detail}`;
}

const require = createRequire(import.meta.url);
const errorText = (e: unknown): string =>
  e instanceof Error ? e.message.split('\n')[0]! : String(e).split('\n')[0]!;

// ---------------------------------------------------------------------------------------
// TensorFlow.js

export interface TfAnchor {
  readonly tf: Tf;
  /** The backends that initialized, of 'cpu' and 'wasm'. */
  readonly backends: readonly TfBackend[];
  /**
   * Make `backend` the active one. Both are initialized by now, so tfjs switches at once
   * (its `setBackend` is async only while a backend initializes); checked, not assumed.
   */
  use(backend: TfBackend): void;
}

let tfLoading: Promise<TfAnchor | null> | undefined;

/** TensorFlow.js with its 'cpu' and (if it loads) 'wasm' backends, or null. */
export function loadTfjs(): Promise<TfAnchor | null> {
  tfLoading ??= loadTfjsOnce();
  return tfLoading;
}

async function loadTfjsOnce(): Promise<TfAnchor | null> {
  let tf: Tf;
  try {
    tf = await import('@tensorflow/tfjs');
    tf.enableProdMode(); // no debug checks, and no "install tfjs-node" banner
    if (!(await tf.setBackend('cpu'))) throw new Error("tf.setBackend('cpu') returned false");
  } catch (e) {
    const why = `@tensorflow/tfjs did not load (${errorText(e)}); run pnpm install`;
    statuses.set('tfjs-cpu', { available: false, detail: why });
    statuses.set('tfjs-wasm', { available: false, detail: why });
    return null;
  }
  statuses.set('tfjs-cpu', {
    available: true,
    detail: `@tensorflow/tfjs ${tf.version_core}, backend 'cpu' (plain JS kernels), float32 only`,
  });
  const backends: TfBackend[] = ['cpu'];
  try {
    statuses.set('tfjs-wasm', { available: true, detail: await initTfWasm(tf) });
    backends.push('wasm');
  } catch (e) {
    statuses.set('tfjs-wasm', { available: false, detail: errorText(e) });
  }
  await tf.setBackend('cpu');
  return {
    tf,
    backends,
    use(backend) {
      if (tf.getBackend() === backend) return;
      void tf.setBackend(backend);
      if (tf.getBackend() !== backend) {
        throw new Error(`tfjs did not switch to '${backend}' synchronously`);
      }
    },
  };
}

const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Initialize tfjs's 'wasm' backend from the package's own .wasm files (never a download),
 * with one thread, and report which binary was instantiated. In Node, tfjs reports no
 * thread support (its flag is hard-wired off there), so it picks the SIMD binary when the
 * engine validates SIMD code, else the plain one: the hash says which one it really was.
 */
async function initTfWasm(tf: Tf): Promise<string> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const missing = WASM_FILES.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) throw new Error(`${missing.join(', ')} missing in ${dir}`);
  const hashes = new Map(WASM_FILES.map((f) => [sha256(readFileSync(join(dir, f))), f]));
  wasm.setWasmPaths(`${dir}/`);
  wasm.setThreadsCount(1);
  // Record the bytes the backend instantiates (restored right after).
  type Instantiate = (source: unknown, imports?: unknown) => Promise<unknown>;
  const wa = (globalThis as unknown as { WebAssembly: { instantiate: Instantiate } }).WebAssembly;
  const instantiate = wa.instantiate;
  const seen: string[] = [];
  wa.instantiate = (source, imports) => {
    if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) {
      const bytes = ArrayBuffer.isView(source)
        ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
        : new Uint8Array(source);
      seen.push(hashes.get(sha256(bytes)) ?? `an unknown binary of ${bytes.byteLength} bytes`);
    }
    return instantiate.call(wa, source, imports);
  };
  // Its Emscripten glue adds process-wide 'uncaughtException'/'unhandledRejection' handlers
  // that rethrow, which makes Node print the glue's 100 kB source line with any later
  // error of the bench: taken off again.
  const events = ['uncaughtException', 'unhandledRejection'];
  const listeners = (e: string) => process.listeners(e as 'uncaughtException') as unknown[];
  const before = events.map((e) => new Set(listeners(e)));
  let ok: boolean;
  try {
    ok = await tf.setBackend('wasm');
    await tf.ready();
  } finally {
    wa.instantiate = instantiate;
    events.forEach((e, i) => {
      for (const l of listeners(e)) {
        if (!before[i]!.has(l)) process.removeListener(e, l as (...args: unknown[]) => void);
      }
    });
  }
  if (!ok || tf.getBackend() !== 'wasm') throw new Error("tf.setBackend('wasm') failed");
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = wasm.getThreadsCount();
  const file = seen.length > 0 ? seen.join(' + ') : 'a binary not seen by the check';
  const warn =
    file === 'tfjs-backend-wasm-simd.wasm' && threads === 1 ? '' : ' (NOT the intended one)';
  return (
    `@tensorflow/tfjs-backend-wasm ${wasm.version_wasm}, loaded ${file}${warn}, ` +
    `${threads} thread${threads === 1 ? '' : 's'}, SIMD ${simd ? 'on' : 'off'}, float32 only`
  );
}

// ---------------------------------------------------------------------------------------
// jax-js

let jaxLoading: Promise<Jax | null> | undefined;

/** jax-js on its 'wasm' device, or null. */
export function loadJax(): Promise<Jax | null> {
  jaxLoading ??= loadJaxOnce();
  return jaxLoading;
}

async function loadJaxOnce(): Promise<Jax | null> {
  try {
    const jax = await import('@jax-js/jax');
    // A bare init() also tries WebGPU, which reads `navigator` (absent in Node 20).
    const devices = await jax.init('wasm');
    if (!devices.includes('wasm')) throw new Error(`init('wasm') gave devices [${devices}]`);
    jax.defaultDevice('wasm');
    const probe = jax.numpy.array([1, 2, 3]).mul(2).sum().item();
    if (probe !== 12) throw new Error(`a probe computed ${probe}, not 12`);
    // (its package.json is not in its "exports": read it next to dist/)
    const pkg = join(dirname(require.resolve('@jax-js/jax')), '..', 'package.json');
    const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
    // Its wasm backend spreads kernels over Web Workers when `Worker` and SharedArrayBuffer
    // exist; Node 20 has no global `Worker`, so it runs on the calling thread.
    const threads =
      typeof (globalThis as { Worker?: unknown }).Worker === 'undefined'
        ? '1 thread (no global Worker in Node)'
        : 'Web Workers (multi-threaded)';
    statuses.set('jax-js', {
      available: true,
      detail: `@jax-js/jax ${version}, device 'wasm', ${threads}; jit on the whole step`,
    });
    return jax;
  } catch (e) {
    statuses.set('jax-js', {
      available: false,
      detail: `@jax-js/jax did not load (${errorText(e)}); run pnpm install`,
    });
    return null;
  }
}

// ---------------------------------------------------------------------------------------
// numpy

const here = dirname(fileURLToPath(import.meta.url));
export const NUMPY_SCRIPT = join(here, '..', 'anchors', 'numpy_bench.py');

interface NumpyInfo {
  numpy: string;
  python: string;
  executable: string;
  blas: string | null;
  blas_threads: number | null;
}

/**
 * Run bench/anchors/numpy_bench.py for the named groups of cases and return its JSON (one
 * entry per group), or null when Python or numpy is missing (a skip note says what to
 * install). Python is `$PYTHON`, else `python3`; BLAS is held to one thread.
 */
export function runNumpy(groups: readonly string[]): Record<string, unknown> | null {
  const python = process.env.PYTHON || 'python3';
  const r = spawnSync(python, [NUMPY_SCRIPT, 'info', ...groups], {
    encoding: 'utf8',
    env: {
      ...process.env,
      OMP_NUM_THREADS: '1',
      OPENBLAS_NUM_THREADS: '1',
      MKL_NUM_THREADS: '1',
      VECLIB_MAXIMUM_THREADS: '1',
    },
    maxBuffer: 16 << 20,
    timeout: 300_000,
  });
  const skip = (detail: string) => {
    statuses.set('numpy', { available: false, detail });
    return null;
  };
  if (r.error !== undefined) {
    const code = (r.error as NodeJS.ErrnoException).code;
    return skip(
      code === 'ENOENT'
        ? `no Python: \`${python}\` was not found; install Python 3 and numpy ` +
            '(e.g. `pip install numpy`), or point PYTHON at a python that has numpy'
        : `\`${python}\` failed to run (${errorText(r.error)})`,
    );
  }
  if (r.status === 3) {
    return skip(
      `\`${python}\` has no numpy; install it (\`${python} -m pip install numpy\`) ` +
        'or point PYTHON at a python that has it',
    );
  }
  if (r.status !== 0) {
    const last = r.stderr.trim().split('\n').at(-1) ?? '';
    return skip(`numpy_bench.py exited with status ${r.status}: ${last}`);
  }
  let out: Record<string, unknown>;
  try {
    out = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch (e) {
    return skip(`numpy_bench.py printed no JSON (${errorText(e)})`);
  }
  const info = out.info as NumpyInfo;
  const threads =
    info.blas_threads === null ? 'OPENBLAS/OMP/MKL_NUM_THREADS=1' : `${info.blas_threads} thread`;
  statuses.set('numpy', {
    available: true,
    detail: `numpy ${info.numpy} (${info.blas ?? 'BLAS unknown'}, ${threads}), Python ${info.python} (\`${basename(python)}\`); its own process, run after the JS timings`,
  });
  return out;
}
