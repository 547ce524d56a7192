// MLP training steps, float32, ms/step: 784-128-10 at batch 128 and 3072-100-10 at batch
// 256, each step forward, softmax cross-entropy, backward and plain SGD with the loss read
// back — tapegrad (nn.Linear, softmaxCrossEntropy, optim.SGD) on each backend next to
// TensorFlow.js (cpu, wasm), jax-js (jit of the whole step) and numpy (hand-written
// backprop). Every contender starts from the same weights and must give the float64
// reference's first loss. Then what tapegrad's steps hold and allocate: memory peaks and
// bytes per step.
import { Rng, randn } from '@tapegrad/core';
import {
  anchorNote,
  JAX,
  loadJax,
  loadTfjs,
  NUMPY,
  runNumpy,
  TF_CPU,
  TF_WASM,
} from './lib/anchors.js';
import { type Contender, failureNotes, msOf, timeContenders } from './lib/contenders.js';
import { type Bench, type BenchTable, fmt } from './lib/harness.js';
import { arrayBufferBytesPerStep, getGc, heapBytesPerStep, memoryPeaks } from './lib/memory.js';
import {
  anchorStepContenders,
  checkFirstLoss,
  type MlpSpec,
  tapegradMlp,
  tapegradStep,
} from './lib/mlp.js';
import { type Case, ratioTable, valueTable } from './lib/report.js';
import { tapegradBackends, tapegradName } from './lib/tapegrad.js';

const CONFIGS = [
  { id: '784-128-10 b128', batch: 128, inputs: 784, hidden: 128, classes: 10 },
  { id: '3072-100-10 b256', batch: 256, inputs: 3072, hidden: 100, classes: 10 },
] as const;

/** Steps per memory window. */
const MEMORY_STEPS = 20;

function makeSpec(c: (typeof CONFIGS)[number], rng: Rng): MlpSpec {
  const draw = (n: number, scale: number) =>
    randn([n], { rng }).mul(scale).toTypedArray() as Float32Array;
  const labels = new Int32Array(c.batch);
  for (let i = 0; i < c.batch; i++) labels[i] = rng.int(0, c.classes);
  return {
    batch: c.batch,
    inputs: c.inputs,
    hidden: c.hidden,
    classes: c.classes,
    lr: 0.01,
    l2: 0,
    x: draw(c.batch * c.inputs, 1),
    labels,
    w1: draw(c.inputs * c.hidden, Math.sqrt(2 / c.inputs)),
    w2: draw(c.hidden * c.classes, Math.sqrt(2 / c.hidden)),
  };
}

const MB = 2 ** 20;

export const bench: Bench = async () => {
  getGc(); // set the flag before any timing
  const tfa = await loadTfjs();
  const jax = await loadJax();
  const backends = tapegradBackends();
  const tapegrads = backends.map(tapegradName);
  const rng = new Rng(0);
  const specs = CONFIGS.map((c) => makeSpec(c, rng));
  const failures: string[] = [];
  const js: Record<string, Record<string, number | undefined>> = {};

  CONFIGS.forEach((c, i) => {
    const spec = specs[i]!;
    const contenders: Contender[] = backends.map((b) => ({
      name: tapegradName(b),
      setup: () => {
        const step = tapegradStep(b, tapegradMlp(b, spec), spec.l2);
        checkFirstLoss(tapegradName(b), step(), spec);
        return () => step();
      },
    }));
    // tfjs-cpu takes ~0.4 s a step on the larger net
    contenders.push(...anchorStepContenders(tfa, jax, spec, (name) => (name === TF_CPU ? 5 : 20)));
    // A second of steps first: tapegrad's first ~200 steps of a fresh 784-128-10 model fault
    // pages while the C heap grows to the size it keeps (25 faults a step, 2.0–2.1 ms; then
    // 0.1 and 1.75 ms), and a training loop runs for thousands of steps.
    const measured = timeContenders(contenders, {
      warmup: 2,
      warmupMs: 1000,
      minRounds: 5,
      maxRounds: 20,
      minTimeMs: 1500,
    });
    failures.push(...failureNotes(c.id, measured));
    js[c.id] = Object.fromEntries([...measured].map(([k, m]) => [k, msOf(m)]));
  });

  // What tapegrad's steps hold at their peak and allocate, on fresh models (after warm-up).
  const memRows: (string | number)[][] = [];
  const memData: Record<string, unknown>[] = [];
  CONFIGS.forEach((c, i) => {
    const spec = specs[i]!;
    for (const b of backends) {
      try {
        const stepFn = tapegradStep(b, tapegradMlp(b, spec), spec.l2);
        for (let k = 0; k < 5; k++) stepFn();
        const { peaks } = memoryPeaks((sample) => stepFn(sample), MEMORY_STEPS);
        const [heap, gcs] = heapBytesPerStep(() => stepFn(), MEMORY_STEPS, 5);
        const buffers = arrayBufferBytesPerStep(() => stepFn());
        const params =
          4 * (spec.inputs * spec.hidden + spec.hidden + spec.hidden * spec.classes + spec.classes);
        memRows.push([
          c.id,
          tapegradName(b),
          fmt(params / MB, 2),
          fmt(peaks.rss / MB, 1),
          fmt(peaks.heapUsed / MB, 2),
          fmt(peaks.arrayBuffers / MB, 1),
          fmt(heap / 1024, 1),
          gcs,
          fmt(buffers === undefined ? undefined : buffers / MB, 2),
        ]);
        memData.push({
          config: c.id,
          tapegrad: tapegradName(b),
          paramBytes: params,
          peaks,
          heapBytesPerStep: heap,
          gcs,
        });
      } catch (e) {
        failures.push(`${tapegradName(b)} memory on ${c.id} failed: ${(e as Error).message}`);
      }
    }
  });

  const py = runNumpy(['train']) as { train: Record<string, { ms: number }> } | null;
  const cases: Case[] = CONFIGS.map((c) => ({
    cells: [c.id],
    values: { ...js[c.id], [NUMPY]: py?.train[c.id]?.ms },
  }));
  const metric = { unit: 'ms/step', higherIsBetter: false } as const;
  const tables: BenchTable[] = [
    valueTable({
      title: 'MLP training step, float32, ms/step (forward, softmax CE, backward, SGD, loss read)',
      caseColumns: ['MLP, batch'],
      contenders: [...tapegrads, TF_CPU, TF_WASM, JAX, NUMPY],
      cases,
      metric,
      notes: [
        'One full step on a fixed batch, medians of interleaved steps after warm-up; lower is better.',
        'tapegrad: Sequential(Linear, ReLU, Linear) + softmaxCrossEntropy + SGD, loss.item() each step.',
        'tfjs: variables + optimizer.minimize(softmaxCrossEntropy, returnCost), loss dataSync.',
        'jax-js: jit(valueAndGrad(loss) + SGD tree map), loss item() each step.',
        'numpy: hand-written forward/backward (as in the notes), float32, loss float() each step.',
        ...['tfjs-cpu', 'tfjs-wasm', 'jax-js', 'numpy'].map(anchorNote),
        ...failures,
      ],
    }),
    ratioTable({
      title: 'MLP training step: tapegrad ÷ anchor speed',
      caseColumns: ['MLP, batch'],
      tapegrads,
      anchors: [TF_CPU, TF_WASM, JAX, NUMPY],
      cases,
      metric,
    }),
    {
      title: `tapegrad training-step memory (fresh model, ${MEMORY_STEPS} steps after 5 warm-up steps)`,
      columns: [
        'MLP, batch',
        'tapegrad',
        'params MB',
        'peak RSS Δ MB',
        'peak heap Δ MB',
        'peak ArrayBuffers Δ MB',
        'heap KB/step',
        'GCs',
        'ArrayBuffer MB/step',
      ],
      rows: memRows,
      notes: [
        'peaks: process.memoryUsage() sampled after the forward, after the backward and after each step, minus the',
        '  level after a forced gc() (v8.setFlagsFromString("--expose-gc") + vm); RSS Δ is small when the allocator',
        '  reuses pages an earlier bench freed. ArrayBuffers hold tensor data; heap holds the JS objects.',
        'heap KB/step: heapUsed growth plus what GCs freed (v8.GCProfiler), the smallest of 3 windows.',
        'ArrayBuffer MB/step: growth of memoryUsage().arrayBuffers over one step right after gc(), in windows',
        '  without a GC (the smallest of 5): the tensor data a step allocates. (Counting typed arrays by wrapping',
        "  the global constructors, as optim.bench does, breaks here: core's ops reject a Float32Array subclass.)",
      ],
      data: memData,
    },
  ];
  return tables;
};
