// Per-op overhead of the tape: µs per recorded op for forward and forward + backward of
// graphs whose arithmetic is negligible — a 2-layer MLP on a tiny batch, and a chain of
// scalar ops — with the same MLP in TensorFlow.js (cpu and wasm backends, gradients by
// tf.variableGrads) as the reference.
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
import type { Scalar, Tensor as TfTensor, Variable } from '@tensorflow/tfjs';
import { anchorNote, loadTfjs, type TfBackend } from './lib/anchors.js';
import { type Contender, failureNotes, msOf, timeContenders } from './lib/contenders.js';
import { type Bench, fmt } from './lib/harness.js';
import { type Case, ratioTable } from './lib/report.js';
import { tapegradBackends, tapegradName, withBackend } from './lib/tapegrad.js';

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
/** matMul, add, relu, matMul, add, sub, square, mean */
const TF_OPS = 8;

export const bench: Bench = async () => {
  const tfa = await loadTfjs();
  const backends = tapegradBackends();
  const rng = new Rng(0);
  const values = [[BATCH, IN], [BATCH, OUT], [HIDDEN, IN], [HIDDEN], [OUT, HIDDEN], [OUT]].map(
    (shape) => ({ shape, data: randn(shape, { rng }).toTypedArray() as Float32Array }),
  );

  /** tapegrad's MLP on `backend`: its loss and its forward + backward step. */
  const tapegradMlp = (backend: string) =>
    withBackend(backend, () => {
      const [x, y, w1, b1, w2, b2] = values.map((v, i) =>
        tensor(v.data, { shape: v.shape, requiresGrad: i >= 2 }),
      ) as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
      const params = [w1, b1, w2, b2];
      const loss = (): Tensor => {
        const h = relu(add(matmul(x, w1.T), b1));
        const out = add(matmul(h, w2.T), b2);
        return mean(pow(sub(out, y), 2));
      };
      const step = () => {
        for (const p of params) p.grad = null;
        loss().backward();
      };
      return {
        loss: () => withBackend(backend, loss),
        step: () => withBackend(backend, step),
      };
    });

  /** The same MLP in tfjs on `backend` (W stored [out, in], as tapegrad's). */
  const tfMlp = (backend: TfBackend) => {
    const { tf } = tfa!;
    tfa!.use(backend);
    const [x, y, w1, b1, w2, b2] = values.map((v, i) =>
      i >= 2 ? tf.variable(tf.tensor(v.data, v.shape)) : tf.tensor(v.data, v.shape),
    ) as [TfTensor, TfTensor, Variable, Variable, Variable, Variable];
    const loss = () => {
      const h = tf.relu(tf.add(tf.matMul(x, w1, false, true), b1));
      const out = tf.add(tf.matMul(h, w2, false, true), b2);
      return tf.mean(tf.square(tf.sub(out, y))) as Scalar;
    };
    return {
      fwd: () => {
        tfa!.use(backend);
        tf.tidy(loss);
      },
      step: () => {
        tfa!.use(backend);
        tf.tidy(() => {
          tf.variableGrads(loss, [w1, b1, w2, b2]);
        });
      },
      dispose: () => tf.dispose([x, y, w1, b1, w2, b2]),
    };
  };

  const mlpOps = countOps(tapegradMlp('js').loss());
  const contenders: Contender[] = [];
  for (const b of backends) {
    contenders.push(
      { name: `${tapegradName(b)} fwd`, setup: () => tapegradMlp(b).loss },
      { name: `${tapegradName(b)} fwd+bwd`, setup: () => tapegradMlp(b).step },
    );
  }
  for (const backend of tfa?.backends ?? []) {
    const name = `tfjs-${backend}`;
    contenders.push(
      {
        name: `${name} fwd`,
        setup: () => {
          const m = tfMlp(backend);
          return { run: m.fwd, dispose: m.dispose };
        },
      },
      {
        name: `${name} fwd+bwd`,
        setup: () => {
          const m = tfMlp(backend);
          return { run: m.step, dispose: m.dispose };
        },
      },
    );
  }
  const options = { warmup: 200, inner: 50, minRounds: 20, maxRounds: 400, minTimeMs: 2500 };
  const measured = timeContenders(contenders, options);
  const us = (name: string) => {
    const ms = msOf(measured.get(name));
    return ms === undefined ? undefined : ms * 1e3;
  };

  // the scalar chain: tapegrad only (float64)
  const chainContenders: Contender[] = backends.flatMap((b) => {
    const make = () =>
      withBackend(b, () => {
        const s = tensor(0.5, { dtype: 'float64', requiresGrad: true });
        const chain = (): Tensor => {
          let v = s;
          for (let i = 0; i < CHAIN; i++) v = tanh(add(mul(v, 0.9), 0.1));
          return v;
        };
        return {
          chain: () => withBackend(b, chain),
          step: () =>
            withBackend(b, () => {
              s.grad = null;
              chain().backward();
            }),
        };
      });
    return [
      { name: `${tapegradName(b)} fwd`, setup: () => make().chain },
      { name: `${tapegradName(b)} fwd+bwd`, setup: () => make().step },
    ];
  });
  const chainOps = countOps(
    withBackend('js', () => {
      let v = tensor(0.5, { dtype: 'float64', requiresGrad: true });
      for (let i = 0; i < CHAIN; i++) v = tanh(add(mul(v, 0.9), 0.1));
      return v;
    }),
  );
  const chainMeasured = timeContenders(chainContenders, {
    warmup: 20,
    inner: 5,
    minRounds: 20,
    maxRounds: 200,
    minTimeMs: 2000,
  });
  const chainUs = (name: string) => {
    const ms = msOf(chainMeasured.get(name));
    return ms === undefined ? undefined : ms * 1e3;
  };

  const rows: (string | number)[][] = [];
  const data: Record<string, unknown>[] = [];
  const row = (graph: string, who: string, ops: number, fwd?: number, both?: number) => {
    rows.push([
      graph,
      who,
      ops,
      fmt(fwd, 1),
      fmt(fwd === undefined ? undefined : fwd / ops, 2),
      fmt(both, 1),
      fmt(both === undefined ? undefined : both / ops, 2),
    ]);
    data.push({ graph, who, ops, fwdUs: fwd, fwdBwdUs: both });
  };
  const mlp = `2-layer MLP [${BATCH},${IN}]→${HIDDEN}→${OUT}, MSE`;
  for (const b of backends) {
    const n = tapegradName(b);
    row(mlp, n, mlpOps, us(`${n} fwd`), us(`${n} fwd+bwd`));
  }
  for (const backend of tfa?.backends ?? []) {
    row(mlp, `tfjs-${backend}`, TF_OPS, us(`tfjs-${backend} fwd`), us(`tfjs-${backend} fwd+bwd`));
  }
  const chain = `scalar chain, ${CHAIN}× tanh(0.9·v + 0.1)`;
  for (const b of backends) {
    const n = tapegradName(b);
    row(chain, n, chainOps, chainUs(`${n} fwd`), chainUs(`${n} fwd+bwd`));
  }

  // tapegrad ÷ tfjs on the whole MLP graph (their op counts differ: tapegrad records .T)
  const ratioCases: Case[] = ['fwd', 'fwd+bwd'].map((phase) => ({
    cells: [mlp, phase],
    values: Object.fromEntries(
      [...backends.map(tapegradName), 'tfjs-cpu', 'tfjs-wasm'].map((n) => [n, us(`${n} ${phase}`)]),
    ),
  }));
  return [
    {
      title:
        'per-op overhead (tiny tensors: the time is the tape and dispatch, not the arithmetic)',
      columns: ['graph', 'who', 'ops', 'fwd µs', 'fwd µs/op', 'fwd+bwd µs', 'fwd+bwd µs/op'],
      rows,
      notes: [
        'ops: recorded nodes behind the loss (tapegrad; .T is one); tfjs: its 8 forward kernels. fwd+bwd includes',
        '  backward, whose rules run ops too. tfjs backward: tidy(variableGrads(loss, [w1, b1, w2, b2])).',
        'float32 MLP (tfjs is float32), float64 chain; medians of interleaved samples of 50 (MLP) or 5 (chain) calls.',
        ...['tfjs-cpu', 'tfjs-wasm'].map(anchorNote),
        ...failureNotes('the MLP', measured),
        ...failureNotes('the chain', chainMeasured),
      ],
      data,
    },
    ratioTable({
      title: 'per-op overhead: tapegrad ÷ tfjs speed on the whole tiny MLP',
      caseColumns: ['graph', 'phase'],
      tapegrads: backends.map(tapegradName),
      anchors: ['tfjs-cpu', 'tfjs-wasm'],
      cases: ratioCases,
      metric: { unit: 'µs per graph', higherIsBetter: false },
    }),
  ];
};
