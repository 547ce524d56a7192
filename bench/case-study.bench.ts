// The notes' case study (examples/case-study.ts): the spiral's 300 points, 2 → 100 → 3 with
// ReLU, softmax cross-entropy, L2 1e-3 on the weights, full-batch SGD with step size 1.
// First one step's parts in tapegrad (what `pnpm demo` repeats 10,000 times, so a change to
// a kernel shows up here), then the whole iteration side by side: tapegrad's loop as a user
// writes it (examples/core/case-study.ts), TensorFlow.js, jax-js (jit of the whole step) and
// numpy running the notes' own code (float64, as written, and on float32 arrays).
import { Rng, randn } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import { softmaxCrossEntropy } from '@tapegrad/nn';
import { anchorNote, JAX, loadJax, loadTfjs, runNumpy, TF_CPU, TF_WASM } from './lib/anchors.js';
import { type Contender, failureNotes, msOf, timeContenders } from './lib/contenders.js';
import { type Bench, type BenchTable, fmt, time } from './lib/harness.js';
import {
  anchorStepContenders,
  checkFirstLoss,
  type MlpSpec,
  tapegradMlp,
  tapegradStep,
} from './lib/mlp.js';
import { type Case, ratioTable, valueTable } from './lib/report.js';
import { tapegradBackends, tapegradName, withBackend } from './lib/tapegrad.js';

const NP64 = 'numpy (notes, f64)';
const NP32 = 'numpy (notes, f32)';

/** The case study's data and initial weights (0.01·randn, as the notes and twoLayerNet). */
function caseStudySpec(): MlpSpec {
  const rng = new Rng(0);
  const data = spiral({ classes: 3, pointsPerClass: 100, rng });
  const small = (n: number) => randn([n], { rng }).mul(0.01).toTypedArray() as Float32Array;
  return {
    batch: 300,
    inputs: 2,
    hidden: 100,
    classes: 3,
    lr: 1,
    l2: 1e-3,
    x: data.x.toTypedArray() as Float32Array,
    labels: data.y,
    w1: small(2 * 100),
    w2: small(100 * 3),
  };
}

export const bench: Bench = async () => {
  const backends = tapegradBackends();
  const tapegrads = backends.map(tapegradName);
  const spec = caseStudySpec();

  // --- one step's parts, tapegrad only
  const partRows: (string | number)[][] = [];
  const partData: Record<string, unknown>[] = [];
  for (const b of backends) {
    try {
      const m = tapegradMlp(b, spec);
      const forward = () =>
        withBackend(b, () => softmaxCrossEntropy(m.model.forward(m.x), m.labels));
      const step = () =>
        withBackend(b, () => {
          const loss = forward();
          m.optimizer.zeroGrad();
          loss.backward();
          m.optimizer.step();
        });
      const options = { warmup: 300, minRuns: 300, maxRuns: 5000, minTimeMs: 1000 };
      const fwd = time(forward, options).medianMs * 1e3;
      const both = time(step, options).medianMs * 1e3;
      partRows.push([tapegradName(b), fmt(fwd, 0), fmt(both, 0)]);
      partData.push({ tapegrad: tapegradName(b), fwdUs: fwd, stepUs: both });
    } catch (e) {
      partRows.push([`${tapegradName(b)}: failed (${(e as Error).message})`, '—', '—']);
    }
  }

  // --- the whole iteration, every contender
  const tfa = await loadTfjs();
  const jax = await loadJax();
  const contenders: Contender[] = backends.map((b) => ({
    name: tapegradName(b),
    setup: () => {
      const step = tapegradStep(b, tapegradMlp(b, spec), spec.l2);
      checkFirstLoss(tapegradName(b), step(), spec);
      return () => step();
    },
  }));
  contenders.push(...anchorStepContenders(tfa, jax, spec));
  const measured = timeContenders(contenders, {
    warmup: 5,
    // a second of untimed steps each, alone: tapegrad's loop took ~135 µs a step in its first
    // ~1,000 steps and ~97 after (the notes' loop runs 10,000; numpy's is timed warm)
    warmupMs: 1000,
    inner: 20,
    minRounds: 10,
    maxRounds: 60,
    minTimeMs: 3000,
  });
  const py = runNumpy(['case_study']) as {
    case_study: Record<
      'float64' | 'float32',
      { ms: number; cold_ms: number | null; first_loss: number; last_loss: number }
    >;
  } | null;
  const cases: Case[] = [
    {
      cells: ['300×2 → 100 → 3, λ 1e-3, lr 1'],
      values: {
        ...Object.fromEntries([...measured].map(([k, m]) => [k, msOf(m)])),
        [NP64]: py?.case_study.float64.ms,
        [NP32]: py?.case_study.float32.ms,
      },
    },
  ];
  const metric = { unit: 'ms/iteration', higherIsBetter: false, digits: 3 } as const;
  const npLoss = py
    ? [
        `numpy runs the notes' loop for 200 + 1000 iterations (median of 3 runs): loss ${fmt(py.case_study.float64.first_loss, 4)} → ${fmt(py.case_study.float64.last_loss, 4)}`,
        '  (float64), as the notes print it; spiral and weights from numpy.random, so its numbers are its own.',
        `  In a fresh Python process (glibc malloc not yet warmed by a large free) the same loop takes ${fmt(py.case_study.float64.cold_ms ?? undefined, 3)} ms`,
        `  (float64) and ${fmt(py.case_study.float32.cold_ms ?? undefined, 3)} ms (float32) per iteration: see bench/README.md, "page faults".`,
      ]
    : [];
  const tables: BenchTable[] = [
    {
      title: 'case study: one full-batch step of the 2-layer net (300×2 → 100 → 3), tapegrad',
      columns: ['tapegrad', 'fwd µs', 'fwd+bwd+step µs'],
      rows: partRows,
      notes: [
        'float32, as in `pnpm demo`; medians of repeated steps after warm-up.',
        'the products: [300,2]@[2,100], [300,100]@[100,3], and their backward ones with transposes.',
      ],
      data: partData,
    },
    valueTable({
      title: 'case study, whole iteration (forward, loss read, backward, update), ms/iteration',
      caseColumns: ['net'],
      contenders: [...tapegrads, TF_CPU, TF_WASM, JAX, NP64, NP32],
      cases,
      metric,
      notes: [
        'tapegrad: the loop of examples/core/case-study.ts — forward, softmaxCrossEntropy, loss.item() + ½λΣW²,',
        '  zeroGrad, backward, SGD step (weight decay λ on the weights); float32. Same data and initial weights',
        '  for tapegrad, tfjs and jax-js, each checked to give the float64 reference first loss.',
        'tfjs: optimizer.minimize of data loss + ½λΣW²; jax-js: jit(valueAndGrad + SGD), loss item() each step.',
        `JS contenders: medians of samples of 20 iterations, interleaved; numpy in its own process.`,
        ...npLoss,
        ...['tfjs-cpu', 'tfjs-wasm', 'jax-js', 'numpy'].map(anchorNote),
        ...failureNotes('the case study', measured),
      ],
    }),
    ratioTable({
      title: 'case study: tapegrad ÷ anchor speed',
      caseColumns: ['net'],
      tapegrads,
      anchors: [TF_CPU, TF_WASM, JAX, NP64, NP32],
      cases,
      metric,
    }),
  ];
  return tables;
};
