// The second thread of the 'wasm' backend: a worker running the same module on the same
// shared memory, which computes one half of a large product while the calling thread
// computes the other. Node runs it in `worker_threads`, a browser in a Worker made from a
// Blob when the page is cross-origin isolated (shared memory needs it); elsewhere products
// run on one thread.
//
// Protocol, over a control block of int32s in the shared memory: the caller writes a job's
// arguments, resets NEXT and FINISHED, bumps POSTED and notifies; then both threads claim
// chunks of the product (wasm/assembly/share.ts) until none is left, and the caller spins
// until FINISHED counts them all (a browser's main thread may not block). The worker spins
// briefly after each job (a spinning worker starts in under 1 µs), naps for a second (a
// napping one starts in about 0.07 ms), then sleeps in Atomics.wait until notified.

/** Int32 slots of the control block (wasm/assembly/share.ts reads NEXT, FINISHED, ARGS). */
export const POSTED = 0;
export const NEXT = 1;
export const FINISHED = 2;
export const READY = 3;
/**
 * The job's arguments start here: m, n, k, a, ars, acs, b, brs, bcs, c, ldc, by columns,
 * chunk width, chunks; then the worker's scratch address.
 */
export const ARGS = 4;
export const WORKER_WORK = ARGS + 14;
export const CONTROL_INTS = 24;
/** How long the worker spins for the next job before it sleeps, in ms. */
const SPIN_MS = 2;
/**
 * For this long after a job (ms), the worker sleeps in naps of NAP_MS rather than until it
 * is woken: on this kind of VM, a thread asleep for 0.6 s took 0.5–0.9 ms to run again once
 * woken (2.2–3.3 ms in the bench, between other libraries' work), one that napped every 5 ms
 * 0.04–0.18 ms. The naps cost about 1% of a core; then the worker sleeps until woken.
 */
const LINGER_MS = 1000;
const NAP_MS = 5;

/**
 * The worker's source: plain JavaScript for `new Worker(…, { eval: true })` in Node and for
 * a Blob URL in browsers. It receives { module, memory, control } once.
 */
export const WORKER_SOURCE = `'use strict';
const start = ({ module, memory, control }, reply) => {
  const { gemmShare } = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const ctl = new Int32Array(memory.buffer, control, ${CONTROL_INTS});
  let seen = Atomics.load(ctl, ${POSTED});
  Atomics.store(ctl, ${READY}, 1);
  reply('ready');
  for (;;) {
    const since = performance.now(); // the last job's end
    for (let spins = 0; Atomics.load(ctl, ${POSTED}) === seen; spins++) {
      if ((spins & 1023) !== 1023) continue;
      const idle = performance.now() - since;
      if (idle <= ${SPIN_MS}) continue;
      const nap = idle < ${LINGER_MS} ? ${NAP_MS} : Infinity;
      Atomics.wait(ctl, ${POSTED}, seen, nap);
    }
    seen = Atomics.load(ctl, ${POSTED});
    gemmShare(control, seen, ctl[${WORKER_WORK}]);
  }
};
if (typeof self === 'object' && typeof self.postMessage === 'function') {
  self.onmessage = (e) => start(e.data, (m) => self.postMessage(m));
} else {
  const { parentPort } = require('node:worker_threads');
  parentPort.once('message', (init) => start(init, (m) => parentPort.postMessage(m)));
}
`;

/** What the worker is given: the compiled module, the shared memory, the control block's address. */
export interface WorkerInit {
  readonly module: object;
  readonly memory: object;
  readonly control: number;
}

interface NodeWorker {
  postMessage(message: unknown): void;
  unref(): void;
  on(event: 'error' | 'exit' | 'message', listener: (arg: unknown) => void): void;
}
interface BrowserWorker {
  postMessage(message: unknown): void;
  addEventListener(event: 'error' | 'message', listener: () => void): void;
}
interface Globals {
  readonly process?: { readonly versions?: { readonly node?: string } };
  readonly Worker?: new (url: string) => BrowserWorker;
  readonly Blob?: new (parts: string[], options: { type: string }) => object;
  readonly URL?: { createObjectURL(blob: object): string };
  readonly crossOriginIsolated?: boolean;
}

/**
 * Starts the worker; `onLost` runs if it fails or exits. Resolves true once it is ready
 * for jobs, false where no worker can run with shared memory or it failed to start (then
 * products stay on one thread).
 */
export async function startWorker(init: WorkerInit, onLost: () => void): Promise<boolean> {
  const g = globalThis as Globals;
  if (typeof g.process?.versions?.node === 'string') {
    // Node: worker_threads, loaded only here so that bundles for the browser never see it
    const specifier = 'node:worker_threads';
    const { Worker } = (await import(/* @vite-ignore */ specifier)) as {
      Worker: new (source: string, options: { eval: true; execArgv: string[] }) => NodeWorker;
    };
    // no inherited flags: the source is CommonJS whatever the process runs (--input-type,
    // a loader such as tsx); V8 flags such as relaxed SIMD are process-wide anyway
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [] });
    return new Promise((resolve) => {
      worker.on('message', () => {
        // from now on the worker does not keep the process alive (until then it does, so
        // that awaiting threadsReady() at the top of a script works)
        worker.unref();
        resolve(true);
      });
      worker.on('error', () => {
        onLost();
        resolve(false);
      });
      worker.on('exit', () => {
        onLost();
        resolve(false);
      });
      worker.postMessage(init);
    });
  }
  if (g.Worker === undefined || g.Blob === undefined || g.URL === undefined) return false;
  if (g.crossOriginIsolated !== true) return false;
  const url = g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new g.Worker(url);
  return new Promise((resolve) => {
    worker.addEventListener('message', () => resolve(true));
    worker.addEventListener('error', () => {
      onLost();
      resolve(false);
    });
    worker.postMessage(init);
  });
}
