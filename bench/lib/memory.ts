// What a step allocates and how much memory it holds at its peak: a forced gc() without
// `--expose-gc`, the V8 heap bytes a step allocates (heapUsed growth plus what GCs freed),
// the typed arrays it constructs (counted by wrapping the global constructors), and the
// high-water marks of RSS, heapUsed and ArrayBuffer memory over a run of steps.
import { GCProfiler, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFn: (() => void) | undefined;

/** `gc()`, made available without `--expose-gc` on the command line (tsx does not pass it). */
export function getGc(): () => void {
  if (gcFn === undefined) {
    setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  return gcFn;
}

/**
 * Bytes allocated on the V8 heap per call of `step` (after `warmup` calls that allocate
 * state): heapUsed after a forced GC, then after `steps` calls, plus what any GC in between
 * freed (GCProfiler reports it). Compiling (JIT code, feedback) also grows the heap, once: of
 * three windows the smallest counts, since what a step allocates recurs in every window.
 * Returns [bytes per step, GCs seen].
 */
export function heapBytesPerStep(step: () => void, steps: number, warmup = 200): [number, number] {
  const gc = getGc();
  for (let i = 0; i < warmup; i++) step();
  let bytes = Number.POSITIVE_INFINITY;
  let gcs = 0;
  for (let w = 0; w < 3; w++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const profiler = new GCProfiler();
    profiler.start();
    for (let i = 0; i < steps; i++) step();
    const after = process.memoryUsage().heapUsed;
    const events = profiler.stop().statistics;
    let freed = 0;
    for (const e of events) {
      freed += e.beforeGC.heapStatistics.usedHeapSize - e.afterGC.heapStatistics.usedHeapSize;
    }
    bytes = Math.min(bytes, (after - before + freed) / steps);
    gcs += events.length;
  }
  return [bytes, gcs];
}

/**
 * Typed arrays constructed per call of `step`, and their bytes, counted by wrapping the
 * global Float32Array/Float64Array constructors (which core and optim call). Swapping a global
 * deoptimizes the code that refers to it, and V8 was seen to keep the re-optimized code
 * slower and allocating, so call this after every timing and heap measurement of the file.
 * Returns [typed arrays per step, their bytes per step].
 */
export function typedArraysPerStep(step: () => void, steps: number): [number, number] {
  const real32 = globalThis.Float32Array;
  const real64 = globalThis.Float64Array;
  let made = 0;
  let bytes = 0;
  globalThis.Float32Array = class extends real32 {
    constructor(...args: ConstructorParameters<typeof real32>) {
      super(...args);
      made++;
      bytes += this.byteLength;
    }
  } as typeof real32;
  globalThis.Float64Array = class extends real64 {
    constructor(...args: ConstructorParameters<typeof real64>) {
      super(...args);
      made++;
      bytes += this.byteLength;
    }
  } as typeof real64;
  try {
    for (let i = 0; i < steps; i++) step();
  } finally {
    globalThis.Float32Array = real32;
    globalThis.Float64Array = real64;
  }
  return [made / steps, bytes / steps];
}

/** High-water marks above the level after a forced gc(), in bytes. */
export interface MemoryPeaks {
  /** Resident set size: what the OS gave the process (heap, ArrayBuffers, code, wasm memory). */
  readonly rss: number;
  /** V8 heap in use (JS objects; a typed array's header, not its data). */
  readonly heapUsed: number;
  /** ArrayBuffer and SharedArrayBuffer bytes (typed arrays' data, wasm memories). */
  readonly arrayBuffers: number;
  /** The process's RSS at its highest sample, absolute. */
  readonly rssAbsolute: number;
}

/**
 * Peaks of memory over `steps` calls of `step`, sampled wherever `step` calls the `sample`
 * it is given (between the phases of a training step: after forward, after backward, after
 * the update) and after each call, relative to a gc()'d baseline taken before the first.
 */
export function memoryPeaks(
  step: (sample: () => void) => void,
  steps: number,
): { peaks: MemoryPeaks; baseline: NodeJS.MemoryUsage } {
  const gc = getGc();
  gc();
  const baseline = process.memoryUsage();
  let rss = baseline.rss;
  let heapUsed = baseline.heapUsed;
  let arrayBuffers = baseline.arrayBuffers;
  const sample = () => {
    const m = process.memoryUsage();
    if (m.rss > rss) rss = m.rss;
    if (m.heapUsed > heapUsed) heapUsed = m.heapUsed;
    if (m.arrayBuffers > arrayBuffers) arrayBuffers = m.arrayBuffers;
  };
  for (let i = 0; i < steps; i++) {
    step(sample);
    sample();
  }
  return {
    peaks: {
      rss: rss - baseline.rss,
      heapUsed: heapUsed - baseline.heapUsed,
      arrayBuffers: arrayBuffers - baseline.arrayBuffers,
      rssAbsolute: rss,
    },
    baseline,
  };
}

/**
 * ArrayBuffer bytes (typed arrays' data) allocated per call of `step`: the growth of
 * process.memoryUsage().arrayBuffers over one call right after a forced gc(), in windows
 * where no GC ran (a GC could free some of them mid-window; v8.GCProfiler tells). Unlike
 * wrapping the typed-array constructors, this leaves the code under test untouched.
 * Returns the smallest of the clean windows (undefined if every window saw a GC).
 */
export function arrayBufferBytesPerStep(step: () => void, windows = 5): number | undefined {
  const gc = getGc();
  let best: number | undefined;
  for (let w = 0; w < windows; w++) {
    gc();
    gc();
    const profiler = new GCProfiler();
    profiler.start();
    const before = process.memoryUsage().arrayBuffers;
    step();
    const after = process.memoryUsage().arrayBuffers;
    if (profiler.stop().statistics.length > 0) continue;
    best = best === undefined ? after - before : Math.min(best, after - before);
  }
  return best;
}
