// ONNX Runtime (onnxruntime-node, CPU) vs tapegrad's own forward pass on the MNIST network,
// 784-128-10 (ReLU) in float32, at batch 1024 and batch 1, in one Node process:
//
//   pnpm bench:onnx [--rounds 40]
//
// tapegrad runs `noGrad(() => model.forward(x))` on each backend (its tensors made on it) and
// reads the result with toTypedArray(); ONNX Runtime runs the file exportOnnx wrote for the
// same model, from a Float32Array to a Float32Array. Each on its default threads (tapegrad's
// 'wasm': 2 for large products, once its worker runs; ONNX Runtime: one per core) and on one
// thread. The contenders run in alternation, one sample each per round, and the table gives
// the median of the rounds (a change of the machine's load hits all of them alike); every
// result is checked against the first before timing.
import { availableParallelism } from 'node:os';
import {
  getBackend,
  listBackends,
  noGrad,
  Rng,
  rand,
  ready,
  setBackend,
  setNumThreads,
  tensor,
  threadsReady,
} from '@tapegrad/core';
import { MLP } from '@tapegrad/nn';
import { exportOnnx } from '@tapegrad/onnx';
import * as ort from 'onnxruntime-node';

interface Contender {
  readonly name: string;
  /** One forward pass at the batch size; returns the logits. */
  readonly run: () => Promise<Float32Array | Float64Array>;
}

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 40;

const rng = new Rng(0);
await ready();
const defaultBackend = getBackend();
const model = new MLP([784, 128, 10], { rng });
model.eval();
const bytes = exportOnnx(model, rand([1, 784], { rng }), { dynamicBatch: true });
const sessions = {
  default: await ort.InferenceSession.create(bytes),
  oneThread: await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  }),
};

/** tapegrad's forward on `backend` with `threads`, on tensors made on that backend. */
function tapegrad(backend: string, threads: number, input: Float32Array, batch: number): Contender {
  setBackend(backend);
  const x = tensor(input, { shape: [batch, 784] });
  setBackend(defaultBackend);
  return {
    name: `tapegrad '${backend}', ${threads} thread${threads > 1 ? 's' : ''}`,
    run: async () => {
      setBackend(backend);
      setNumThreads(threads);
      try {
        return noGrad(() => model.forward(x)).toTypedArray();
      } finally {
        setBackend(defaultBackend);
        setNumThreads(2);
      }
    },
  };
}

function onnxRuntime(
  session: ort.InferenceSession,
  label: string,
  input: Float32Array,
  batch: number,
): Contender {
  const feeds = { input: new ort.Tensor('float32', input, [batch, 784]) };
  return {
    name: `ONNX Runtime ${ort.env.versions.common}, ${label}`,
    run: async () => (await session.run(feeds)).output!.data as Float32Array,
  };
}

function contenders(batch: number): Contender[] {
  const input = rand([batch, 784], { rng }).toTypedArray() as Float32Array;
  const list = [
    ...listBackends().flatMap((b) =>
      b === 'wasm'
        ? [tapegrad(b, 2, input, batch), tapegrad(b, 1, input, batch)]
        : [tapegrad(b, 1, input, batch)],
    ),
    onnxRuntime(sessions.default, `${availableParallelism()} threads (default)`, input, batch),
    onnxRuntime(sessions.oneThread, '1 thread', input, batch),
  ];
  return list;
}

/** Every contender's result equals the first's within 1e-5 · max(1, |value|). */
async function check(list: Contender[]): Promise<void> {
  const want = await list[0]!.run();
  for (const c of list.slice(1)) {
    const got = await c.run();
    want.forEach((w, i) => {
      if (!(Math.abs(got[i]! - w) <= 1e-5 * Math.max(1, Math.abs(w)))) {
        throw new Error(`${c.name}: element ${i} is ${got[i]}, expected ${w}`);
      }
    });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** ms per forward of each contender: median over rounds of `inner` forwards each. */
async function measure(list: Contender[], inner: number): Promise<number[]> {
  const samples: number[][] = list.map(() => []);
  for (const c of list) for (let i = 0; i < 5; i++) await c.run(); // warm up
  for (let r = 0; r < ROUNDS; r++) {
    for (let j = 0; j < list.length; j++) {
      const k = (j + r) % list.length; // a different one goes first each round
      const t0 = performance.now();
      for (let i = 0; i < inner; i++) await list[k]!.run();
      samples[k]!.push((performance.now() - t0) / inner);
    }
  }
  return samples.map(median);
}

await threadsReady();
console.log(
  `784-128-10 MLP forward, float32, Node ${process.version}, ${availableParallelism()} cores; median of ${ROUNDS} interleaved rounds`,
);
for (const [batch, inner] of [
  [1024, 1],
  [1, 50],
] as const) {
  const list = contenders(batch);
  await check(list);
  const ms = await measure(list, inner);
  const fastest = Math.min(...ms);
  console.log(`\nbatch ${batch}:`);
  list.forEach((c, i) => {
    const t = ms[i]!;
    const shown = t >= 1 ? `${t.toFixed(2)} ms` : `${(t * 1000).toFixed(1)} µs`;
    console.log(
      `  ${c.name.padEnd(42)} ${shown.padStart(10)}   ${(t / fastest).toFixed(1)}× the fastest`,
    );
  });
}
