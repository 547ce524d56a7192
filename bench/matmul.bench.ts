// matmul throughput: GFLOP/s of tapegrad's kernel for square sizes, float32 and float64,
// in the NN layout (a @ b) and the NT layout of a linear layer (x @ W.T), next to a naive
// triple loop over copies of the same values and TensorFlow.js's pure-JS CPU backend (float32
// only: tfjs has no float64), timed in alternation in this run.
import { type DType, matmul, Rng, randn, type Tensor } from '@tapegrad/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { type Bench, fmt, timeInterleaved } from './lib/harness.js';

const SIZES = [128, 256, 512] as const;
const DTYPES: readonly DType[] = ['float32', 'float64'];
const LAYOUTS = ['NN', 'NT'] as const;
type Layout = (typeof LAYOUTS)[number];

type Naive = (n: number, a: ArrayLike<number>, b: ArrayLike<number>, c: Float64Array) => void;

// The textbook loops. NN reads b down a column; NT reads both operands along rows.
const NAIVE_SOURCE: Record<Layout, string> = {
  NN: `for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < n; p++) s += a[i * n + p] * b[p * n + j];
    c[i * n + j] = s;
  }`,
  NT: `for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < n; p++) s += a[i * n + p] * b[j * n + p];
    c[i * n + j] = s;
  }`,
};
const naiveCopies = new Map<string, Naive>();
/** One compiled copy per (layout, dtype), so each stays monomorphic as tapegrad's kernels are. */
function naive(layout: Layout, dtype: DType): Naive {
  const key = `${layout} ${dtype}`;
  let f = naiveCopies.get(key);
  if (f === undefined) {
    f = new Function('n', 'a', 'b', 'c', NAIVE_SOURCE[layout]) as Naive;
    naiveCopies.set(key, f);
  }
  return f;
}

const gflops = (n: number, ms: number): number => (2 * n ** 3) / (ms * 1e6);

function maxRelDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / (1 + Math.abs(y[i]!)));
  }
  return worst;
}

export const bench: Bench = async () => {
  tf.enableProdMode(); // no debug checks, and no "install tfjs-node" banner
  await tf.setBackend('cpu');
  const rng = new Rng(0);
  const rows: (string | number)[][] = [];
  for (const n of SIZES) {
    for (const dtype of DTYPES) {
      for (const layout of LAYOUTS) {
        const a = randn([n, n], { dtype, rng });
        const b = randn([n, n], { dtype, rng }); // NT: b is W, stored [out, in]
        const rhs: Tensor = layout === 'NT' ? b.T : b;
        // copies for the references, made outside the timed runs
        const ad = a.toTypedArray();
        const bd = b.toTypedArray();
        const c = new Float64Array(n * n);
        const loop = naive(layout, dtype);
        const fns = [() => matmul(a, rhs), () => loop(n, ad, bd, c)];
        const disposeTf: tf.Tensor[] = [];
        if (dtype === 'float32') {
          const ta = tf.tensor2d(ad as Float32Array, [n, n]);
          const tb = tf.tensor2d(bd as Float32Array, [n, n]);
          disposeTf.push(ta, tb);
          fns.push(() => tf.matMul(ta, tb, false, layout === 'NT').dispose());
        }
        // the references are slow: few rounds at 512 (their code was warmed at 128 and 256)
        const [ours, ref, tfjs] = timeInterleaved(fns, {
          warmup: n >= 512 ? 0 : 1,
          rounds: n >= 512 ? 3 : 5,
        });
        for (const t of disposeTf) t.dispose();
        const diff = maxRelDiff(matmul(a, rhs).toTypedArray(), c);
        if (diff > (dtype === 'float32' ? 1e-4 : 1e-10)) {
          throw new Error(`matmul bench: ${n} ${dtype} ${layout} is off the naive loop by ${diff}`);
        }
        const g = gflops(n, ours!);
        const gNaive = gflops(n, ref!);
        const gTf = tfjs === undefined ? undefined : gflops(n, tfjs);
        rows.push([
          n,
          dtype,
          layout === 'NT' ? 'NT (x @ W.T)' : 'NN (a @ b)',
          fmt(g),
          fmt(gNaive),
          `${fmt(g / gNaive, 1)}×`,
          fmt(gTf),
          gTf === undefined ? '—' : `${fmt(g / gTf, 1)}×`,
        ]);
      }
    }
  }
  return [
    {
      title: 'matmul GFLOP/s (n×n @ n×n; median of interleaved runs after warm-up)',
      columns: ['n', 'dtype', 'layout', 'tapegrad', 'naive', 'vs naive', 'tfjs-cpu', 'vs tfjs'],
      rows,
      notes: [
        'naive: i-j-k triple loop over copies of the same values (float64 sums), same layout.',
        `tfjs-cpu: @tensorflow/tfjs-core + tfjs-backend-cpu ${tf.version_core}, float32 only.`,
        'Ratios compare alternating runs in this process; absolute numbers follow machine load.',
      ],
    },
  ];
};
