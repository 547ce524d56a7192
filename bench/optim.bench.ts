// Optimizer steps on the parameters of a 784-100-10 MLP (float32, 79,510 values): µs per
// step and what a step allocates — typed arrays constructed, and bytes of heap and of array
// buffers — next to a bare loop (the floor) and an update written with core's tensor ops
// (a positive control: the allocation columns must see its new tensors).

import { noGrad, Rng, randn, type Tensor } from '@tapegrad/core';
import { Adam, AdamW, SGD } from '@tapegrad/optim';
import { type Bench, fmt, time } from './lib/harness.js';
import { getGc, heapBytesPerStep, typedArraysPerStep } from './lib/memory.js';

const BATCH = 10;

const SHAPES = [[100, 784], [100], [10, 100], [10]] as const;

/** Fresh MLP-shaped parameters with fixed random gradients (a step never changes them). */
function makeParams(): Tensor[] {
  const rng = new Rng(0);
  return SHAPES.map((shape) => {
    const p = randn(shape, { rng, requiresGrad: true });
    p.grad = randn(shape, { rng }).mul(0.01);
    return p;
  });
}

export const bench: Bench = () => {
  getGc(); // before any timing: setting the flag later could perturb the JIT
  const numel = SHAPES.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
  const cases: [string, (ps: Tensor[]) => () => void, number][] = [
    ['SGD', (ps) => stepper(new SGD(ps, { lr: 0.01 })), 1000],
    ['SGD momentum 0.9', (ps) => stepper(new SGD(ps, { lr: 0.01, momentum: 0.9 })), 1000],
    ['SGD weightDecay 5e-4', (ps) => stepper(new SGD(ps, { lr: 0.01, weightDecay: 5e-4 })), 1000],
    [
      'SGD momentum + Nesterov + weightDecay',
      (ps) => stepper(new SGD(ps, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 5e-4 })),
      1000,
    ],
    ['Adam', (ps) => stepper(new Adam(ps, { lr: 1e-3 })), 500],
    ['AdamW', (ps) => stepper(new AdamW(ps, { lr: 1e-3 })), 500],
    ['Adam amsgrad', (ps) => stepper(new Adam(ps, { lr: 1e-3, amsgrad: true })), 500],
    // Floor: the plain SGD update as a bare loop, no optimizer around it, over copies of the
    // parameters and gradients in arrays the bench owns (only core writes a tensor's storage).
    [
      'floor: bare loop x[i] −= lr·g[i]',
      (ps) => {
        const xs = ps.map((p) => p.toTypedArray());
        const gs = ps.map((p) => p.grad!.toTypedArray());
        return () => {
          for (let j = 0; j < xs.length; j++) {
            const x = xs[j]!;
            const g = gs[j]!;
            for (let i = 0; i < x.length; i++) x[i] = x[i]! - 0.01 * g[i]!;
          }
        };
      },
      1000,
    ],
    // Positive control: plain SGD written with core ops, p ← p − lr·g, which makes two
    // new tensors per parameter per step; the allocation columns must show them.
    [
      'control: p − lr·g with core ops',
      (ps) => () =>
        noGrad(() => {
          for (const p of ps) p.copy_(p.sub(p.grad!.mul(0.01)));
        }),
      50,
    ],
  ];
  const steppers = cases.map(([, make]) => make(makeParams()));
  const rows: (string | number)[][] = cases.map(([name, , steps], i) => {
    const step = steppers[i]!;
    // Batches of BATCH steps: one step is short enough that the scheduler's time slices show.
    const batch = () => {
      for (let k = 0; k < BATCH; k++) step();
    };
    const runs = Math.ceil(steps / BATCH);
    const us =
      (time(batch, { warmup: 5, minRuns: runs, maxRuns: runs, minTimeMs: 0 }).medianMs * 1e3) /
      BATCH;
    const [heap, gcs] = heapBytesPerStep(step, steps);
    return [name, fmt(us, 1), fmt((us * 1e3) / numel, 2), fmt(heap, 0), gcs];
  });
  cases.forEach(([, , steps], i) => {
    const [count, bytes] = typedArraysPerStep(steppers[i]!, steps);
    rows[i]!.push(fmt(count, 2), fmt(bytes, 0));
  });
  return [
    {
      title: `optimizer step on a 784-100-10 MLP's parameters (float32, ${numel} values, 4 tensors)`,
      columns: [
        'optimizer',
        'µs/step',
        'ns/value',
        'heap B/step',
        'GCs',
        'typed arrays/step',
        'typed array B/step',
      ],
      rows,
      notes: [
        `µs/step: median over N/${BATCH} timed batches of ${BATCH} step() calls, after warm-up; the gradients are`,
        '  fixed random tensors (a step does not change them).',
        'heap B/step: process.memoryUsage().heapUsed growth over N steps after a forced gc(), plus what GCs in',
        '  the window freed (v8.GCProfiler); the smallest of 3 windows (JIT compilation grows the heap once).',
        'typed arrays/step and their bytes: Float32Array/Float64Array constructions over N more steps, counted',
        '  by wrapping the global constructors (large typed arrays live outside the heap, so heap B misses them);',
        '  measured after all timings, as swapping the globals perturbs the JIT.',
        'N = 1000 (SGD, floor), 500 (Adam), 50 (control) steps, after 200 warm-up steps.',
      ],
    },
  ];
};

function stepper(opt: SGD | Adam | AdamW): () => void {
  return () => {
    opt.step();
  };
}
