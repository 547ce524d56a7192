// Elementwise throughput, Melem/s: relu(a·b + c) on 10⁶ float32 values — three ops and two
// temporaries in tapegrad and tfjs, one fused kernel in jax-js's jit, numpy's expression —
// next to one plain JS loop that does it in a single pass (the floor for a JS library).
// Every contender reads the result back into a JS typed array, as a user reading it does;
// "no readback" columns time the kernels alone where the result already lives elsewhere.
import { add, mul, Rng, randn, relu, sigmoid, tanh, tensor } from '@tapegrad/core';
import { E, elementwiseOp } from '@tapegrad/core/op-kit';
import {
  anchorNote,
  JAX,
  type Jax,
  type JaxArray,
  loadJax,
  loadTfjs,
  NUMPY,
  runNumpy,
  TF_CPU,
  TF_WASM,
  TF_WASM_NR,
  type Tf,
} from './lib/anchors.js';
import { checkClose } from './lib/check.js';
import { type Contender, failureNotes, msOf, timeContenders } from './lib/contenders.js';
import type { Bench } from './lib/harness.js';
import { type Case, ratioTable, type Values, valueTable } from './lib/report.js';
import { tapegradBackends, tapegradName, valuesOf, withBackend } from './lib/tapegrad.js';

const N = 1_000_000;
const LOOP = 'JS loop (1 pass)';
const LOOP_BRANCH = 'JS loop, v>0?v:0';
const NUMPY_OUT = 'numpy out=';
const noReadback = (name: string) => `${name} no readback`;
const fusedName = (name: string) => `${name}, one op`;

/** Each contender's Melem/s over N values (undefined where it failed or was skipped). */
function speeds(measured: ReturnType<typeof timeContenders>): Values {
  return Object.fromEntries(
    [...measured].map(([k, m]) => {
      const ms = msOf(m);
      return [k, ms === undefined ? undefined : N / (ms * 1e3)];
    }),
  );
}

/**
 * relu(a·b + c) as one op, as a user of op-kit defines it (no backward: the bench's inputs
 * need no gradient): one kernel, compiled from the expression, instead of three.
 */
const reluFma = elementwiseOp({
  name: 'reluFma',
  arity: 3,
  expr: ([a, b, c]) => E.max(E.add(E.mul(a, b), c), 0),
});

export const bench: Bench = async () => {
  const tfa = await loadTfjs();
  const jax = await loadJax();
  const backends = tapegradBackends();
  const tapegrads = backends.map(tapegradName);
  const rng = new Rng(0);
  const [a, b, c] = [0, 1, 2].map(() => randn([N], { rng }).toTypedArray() as Float32Array) as [
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  const expected = new Float32Array(N);
  // Branch-free: (v + |v|)/2 is v for v ≥ 0 and 0 below (exactly, in float32 as in float64).
  const loop = (out: Float32Array) => {
    for (let i = 0; i < N; i++) {
      const v = a[i]! * b[i]! + c[i]!;
      out[i] = (v + Math.abs(v)) * 0.5;
    }
    return out;
  };
  // The obvious loop: on random signs its branch is mispredicted half the time (V8 emits a
  // jump, not a select), which costs it about 2.5× here.
  const loopBranch = (out: Float32Array) => {
    for (let i = 0; i < N; i++) {
      const v = a[i]! * b[i]! + c[i]!;
      // biome-ignore lint/complexity/useMathMinMax: the branch is what this contender measures
      out[i] = v > 0 ? v : 0;
    }
    return out;
  };
  loop(expected);
  checkClose('the branchy loop', loopBranch(new Float32Array(N)), expected, 0);
  const check = (who: string, got: ArrayLike<number>) =>
    checkClose(`${who} relu(a·b + c)`, got, expected, 1e-6);

  const contenders: Contender[] = [];
  for (const backend of backends) {
    for (const [readback, fused] of [
      [true, false],
      [false, false],
      [true, true],
    ] as const) {
      const plain = readback ? tapegradName(backend) : noReadback(tapegradName(backend));
      const name = fused ? fusedName(plain) : plain;
      contenders.push({
        name,
        setup: () =>
          withBackend(backend, () => {
            const [ta, tb, tc] = [a, b, c].map((v) => tensor(v)) as [
              ReturnType<typeof tensor>,
              ReturnType<typeof tensor>,
              ReturnType<typeof tensor>,
            ];
            const compute = fused
              ? () => withBackend(backend, () => reluFma(ta, tb, tc))
              : () => withBackend(backend, () => relu(add(mul(ta, tb), tc)));
            check(name, compute().toTypedArray());
            return readback ? () => valuesOf(compute()) : compute;
          }),
      });
    }
  }
  const out = new Float32Array(N);
  contenders.push(
    { name: LOOP, setup: () => () => loop(out) },
    { name: LOOP_BRANCH, setup: () => () => loopBranch(out) },
  );
  if (tfa !== null) {
    const { tf } = tfa;
    const make = (backend: 'cpu' | 'wasm', name: string, readback: boolean): Contender => ({
      name,
      setup: () => {
        tfa.use(backend);
        const [ta, tb, tc] = [a, b, c].map((v) => tf.tensor1d(v));
        const compute = () => {
          tfa.use(backend);
          return tf.tidy(() => tf.relu(tf.add(tf.mul(ta!, tb!), tc!)));
        };
        const first = compute();
        check(name, first.dataSync());
        first.dispose();
        return {
          run: () => {
            const r = compute();
            if (readback) r.dataSync();
            r.dispose();
          },
          dispose: () => tf.dispose([ta!, tb!, tc!]),
        };
      },
    });
    if (tfa.backends.includes('cpu')) contenders.push(make('cpu', TF_CPU, true));
    if (tfa.backends.includes('wasm')) {
      contenders.push(make('wasm', TF_WASM, true), make('wasm', TF_WASM_NR, false));
    }
  }
  if (jax !== null) {
    const np = jax.numpy;
    contenders.push({
      name: JAX,
      setup: () => {
        const [ja, jb, jc] = [a, b, c].map((v) => np.array(v)) as [JaxArray, JaxArray, JaxArray];
        const f = jax.jit((x: JaxArray, y: JaxArray, z: JaxArray) => jax.nn.relu(x.mul(y).add(z)));
        const run = () => f(ja.ref, jb.ref, jc.ref).dataSync();
        check(JAX, run());
        return {
          run,
          dispose: () => {
            for (const x of [ja, jb, jc]) x.dispose();
            f.dispose();
          },
        };
      },
    });
  }
  const measured = timeContenders(contenders, {
    warmup: 3,
    minRounds: 10,
    maxRounds: 40,
    minTimeMs: 2000,
  });
  const activations = await measureActivations(a);
  const py = runNumpy(['elementwise', 'activations']) as {
    elementwise: Record<string, { melems: number }>;
    activations: Record<string, { melems: number }>;
  } | null;
  const all = speeds(measured);
  const anchors = {
    ...Object.fromEntries(
      [LOOP, LOOP_BRANCH, TF_CPU, TF_WASM, TF_WASM_NR, JAX].map((k) => [k, all[k]]),
    ),
    [NUMPY]: py?.elementwise.expression?.melems,
    [NUMPY_OUT]: py?.elementwise['in place (out=)']?.melems,
  };
  const cases: Case[] = [
    {
      cells: ['relu(a·b + c), 10⁶ float32'],
      values: {
        ...Object.fromEntries(
          tapegrads.flatMap((t) => [
            [t, all[t]],
            [noReadback(t), all[noReadback(t)]],
          ]),
        ),
        ...anchors,
      },
    },
    {
      cells: ['the same, one elementwiseOp'],
      values: {
        ...Object.fromEntries(tapegrads.map((t) => [t, all[fusedName(t)]])),
        ...anchors,
      },
    },
  ];
  const metric = { unit: 'Melem/s', higherIsBetter: true, digits: 0 } as const;
  const activationCases: Case[] = activations.rows.map((row) => ({
    cells: [`${row.name}(x), 10⁶ float32`],
    values: { ...row.values, [NUMPY]: py?.activations?.[row.name]?.melems },
  }));
  return [
    valueTable({
      title: 'elementwise relu(a·b + c) on 10⁶ float32, Melem/s (median of interleaved runs)',
      caseColumns: ['expression'],
      contenders: [
        ...tapegrads,
        ...tapegrads.map(noReadback),
        LOOP,
        LOOP_BRANCH,
        TF_CPU,
        TF_WASM,
        TF_WASM_NR,
        JAX,
        NUMPY,
        NUMPY_OUT,
      ],
      cases,
      metric,
      notes: [
        'tapegrad: relu(add(mul(a, b), c)), its output read in place (denseValues; toTypedArray() would copy it);',
        '  "one elementwiseOp": the expression max(a·b + c, 0) as one op defined with op-kit (one kernel; on',
        "  'wasm' compiled from the expression, float64 arithmetic as on 'js'); the anchors' cells repeat the row above.",
        '  tfjs: tidy(relu(add(mul))) then dataSync() (tfjs-cpu: its own array; tfjs-wasm: a copy out of wasm memory);',
        'jax-js: jit(relu(x·y + z)) then dataSync() (one fused kernel); numpy: np.maximum(a*b + c, 0), and with out=.',
        `${LOOP}: v = a[i]·b[i] + c[i]; out[i] = (v + |v|)/2, into a preallocated Float32Array (the floor);`,
        `${LOOP_BRANCH}: the same with out[i] = v > 0 ? v : 0 — a branch mispredicted on random signs.`,
        'no readback: the ops alone (tapegrad and tfjs compute eagerly; the result stays in the tensor).',
        ...['tfjs-cpu', 'tfjs-wasm', 'jax-js', 'numpy'].map(anchorNote),
        ...failureNotes('relu(a·b + c)', measured),
      ],
    }),
    ratioTable({
      title: 'elementwise: tapegrad ÷ anchor speed (both reading the result back)',
      caseColumns: ['expression'],
      tapegrads,
      anchors: [LOOP, TF_CPU, TF_WASM, JAX, NUMPY],
      cases,
      metric,
    }),
    valueTable({
      title: 'activations on 10⁶ float32, Melem/s (median of interleaved runs, result read back)',
      caseColumns: ['activation'],
      contenders: [...tapegrads, TF_CPU, TF_WASM, JAX, NUMPY],
      cases: activationCases,
      metric,
      notes: [
        'tapegrad: sigmoid(x), tanh(x) (float64 arithmetic rounded once, Math.exp / Math.tanh: the same bits',
        "  on 'js' and 'wasm'; 'wasm' computes them in a module generated for the expression, fdlibm's exp and",
        '  tanh in f64x2); tfjs: tf.sigmoid / tf.tanh then dataSync(); jax-js: jit(jax.nn.sigmoid / np.tanh)',
        '  then dataSync(); numpy: 1 / (1 + np.exp(-x)) and np.tanh(x) on float32 arrays (float32 arithmetic).',
        '  x: 10⁶ normal values times 3. Every contender is checked against Math first (|Δ| ≤ 1e-6·(1 + |y|)).',
        ...activations.notes,
      ],
    }),
    ratioTable({
      title: 'activations: tapegrad ÷ anchor speed',
      caseColumns: ['activation'],
      tapegrads,
      anchors: [TF_CPU, TF_WASM, JAX, NUMPY],
      cases: activationCases,
      metric,
    }),
  ];
};

/**
 * sigmoid and tanh over 10⁶ float32 values in tapegrad (each backend) and the anchors, each
 * result read back into a JS typed array.
 */
async function measureActivations(
  seed: Float32Array,
): Promise<{ rows: { name: string; values: Values }[]; notes: string[] }> {
  const tfa = await loadTfjs();
  const jax = await loadJax();
  const x = Float32Array.from(seed, (v) => 3 * v);
  const FUNCTIONS = {
    sigmoid: {
      reference: (v: number) => 1 / (1 + Math.exp(-v)),
      tapegrad: sigmoid,
      tf: (t: Tf) => t.sigmoid,
      jax: (j: Jax) => (t: JaxArray) => j.nn.sigmoid(t),
    },
    tanh: {
      reference: Math.tanh,
      tapegrad: tanh,
      tf: (t: Tf) => t.tanh,
      jax: (j: Jax) => (t: JaxArray) => j.numpy.tanh(t),
    },
  } as const;
  const rows: { name: string; values: Values }[] = [];
  const notes: string[] = [];
  for (const [name, f] of Object.entries(FUNCTIONS)) {
    const want = Float32Array.from(x, f.reference);
    const check = (who: string, got: ArrayLike<number>) =>
      checkClose(`${who} ${name}(x)`, got, want, 1e-6);
    const contenders: Contender[] = tapegradBackends().map((backend) => ({
      name: tapegradName(backend),
      setup: () =>
        withBackend(backend, () => {
          const t = tensor(x);
          const compute = () => withBackend(backend, () => f.tapegrad(t));
          check(tapegradName(backend), compute().toTypedArray());
          return () => valuesOf(compute());
        }),
    }));
    if (tfa !== null) {
      const { tf } = tfa;
      for (const backend of ['cpu', 'wasm'] as const) {
        if (!tfa.backends.includes(backend)) continue;
        const who = backend === 'cpu' ? TF_CPU : TF_WASM;
        contenders.push({
          name: who,
          setup: () => {
            tfa.use(backend);
            const t = tf.tensor1d(x);
            const op = f.tf(tf);
            const run = () => {
              tfa.use(backend);
              const r = op(t);
              const values = r.dataSync();
              r.dispose();
              return values;
            };
            check(who, run());
            return { run, dispose: () => t.dispose() };
          },
        });
      }
    }
    if (jax !== null) {
      contenders.push({
        name: JAX,
        setup: () => {
          const t = jax.numpy.array(x);
          const g = jax.jit(f.jax(jax));
          const run = () => g(t.ref).dataSync();
          check(JAX, run());
          return {
            run,
            dispose: () => {
              t.dispose();
              g.dispose();
            },
          };
        },
      });
    }
    const measured = timeContenders(contenders, {
      warmup: 3,
      minRounds: 10,
      maxRounds: 30,
      minTimeMs: 1500,
    });
    notes.push(...failureNotes(`${name}(x)`, measured));
    rows.push({ name, values: speeds(measured) });
  }
  return { rows, notes };
}
