// Per-op overhead of the tape: µs per recorded op for forward and forward + backward of
// graphs whose arithmetic is negligible — a 2-layer MLP on a tiny batch, and a chain of
// scalar ops — with the same MLP forward in TensorFlow.js (tfjs-cpu) as a reference.
import {
  add,
  matmul,
  mean,
  mul,
  pow,
  Rng,
  randn,
  relu,
  sub,
  type Tensor,
  tanh,
  tensor,
} from '@tapegrad/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { type Bench, fmt, time } from './lib/harness.js';

/** The number of recorded op nodes behind `t`. */
function countOps(t: Tensor): number {
  const seen = new Set<unknown>();
  const stack = [t];
  while (stack.length > 0) {
    const node = stack.pop()!.gradFn;
    if (node === null || seen.has(node)) continue;
    seen.add(node);
    stack.push(...node.inputs);
  }
  return seen.size;
}

const BATCH = 4;
const IN = 8;
const HIDDEN = 16;
const OUT = 3;
const CHAIN = 300;

export const bench: Bench = async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  const rng = new Rng(0);
  const x = randn([BATCH, IN], { rng });
  const y = randn([BATCH, OUT], { rng });
  const w1 = randn([HIDDEN, IN], { rng, requiresGrad: true });
  const b1 = randn([HIDDEN], { rng, requiresGrad: true });
  const w2 = randn([OUT, HIDDEN], { rng, requiresGrad: true });
  const b2 = randn([OUT], { rng, requiresGrad: true });
  const params = [w1, b1, w2, b2];

  const mlpLoss = (): Tensor => {
    const h = relu(add(matmul(x, w1.T), b1));
    const out = add(matmul(h, w2.T), b2);
    return mean(pow(sub(out, y), 2));
  };
  const mlpStep = () => {
    for (const p of params) p.grad = null;
    mlpLoss().backward();
  };

  const s = tensor(0.5, { dtype: 'float64', requiresGrad: true });
  const chain = (): Tensor => {
    let v = s;
    for (let i = 0; i < CHAIN; i++) v = tanh(add(mul(v, 0.9), 0.1));
    return v;
  };
  const chainStep = () => {
    s.grad = null;
    chain().backward();
  };

  const options = { warmup: 200, minRuns: 200, maxRuns: 5000, minTimeMs: 500 };
  const rows: (string | number)[][] = [];
  const graphs = [
    ['2-layer MLP [4,8]→16→3, MSE', mlpLoss, mlpStep],
    [`scalar chain, ${CHAIN}× tanh(0.9·v + 0.1)`, chain, chainStep],
  ] as const;
  for (const [name, forward, step] of graphs) {
    const ops = countOps(forward());
    const fwd = time(forward, options).medianMs * 1e3;
    const both = time(step, { ...options, warmup: 50, minRuns: 50 }).medianMs * 1e3;
    rows.push([name, ops, fmt(fwd, 1), fmt(fwd / ops, 2), fmt(both, 1), fmt(both / ops, 2)]);
  }

  // The same MLP forward in tfjs (tfjs-core registers gradients only through the
  // @tensorflow/tfjs union package, so no backward here): its per-op dispatch cost.
  const tx = tf.tensor2d(x.toTypedArray() as Float32Array, [BATCH, IN]);
  const ty = tf.tensor2d(y.toTypedArray() as Float32Array, [BATCH, OUT]);
  const [tw1, tb1, tw2, tb2] = params.map((p) => tf.tensor(p.toTypedArray(), [...p.shape]));
  const tfLoss = () => {
    const h = tf.relu(tf.add(tf.matMul(tx, tw1!, false, true), tb1!));
    const out = tf.add(tf.matMul(h, tw2!, false, true), tb2!);
    return tf.mean(tf.square(tf.sub(out, ty)));
  };
  const tfFwd = time(() => tf.tidy(tfLoss), options).medianMs * 1e3;
  const tfOps = 8; // matMul, add, relu, matMul, add, sub, square, mean
  rows.push([
    'tfjs-cpu: the same MLP, forward',
    tfOps,
    fmt(tfFwd, 1),
    fmt(tfFwd / tfOps, 2),
    '—',
    '—',
  ]);
  for (const t of [tx, ty, tw1!, tb1!, tw2!, tb2!]) t.dispose();

  return [
    {
      title: 'per-op overhead (tiny tensors: the time is the tape, not the arithmetic)',
      columns: ['graph', 'ops', 'fwd µs', 'fwd µs/op', 'fwd+bwd µs', 'fwd+bwd µs/op'],
      rows,
      notes: [
        'ops: recorded nodes behind the loss; fwd+bwd includes backward, whose rules run tensor ops too.',
        'float32 MLP (tfjs is float32), float64 chain; medians of repeated steps after warm-up.',
      ],
    },
  ];
};
