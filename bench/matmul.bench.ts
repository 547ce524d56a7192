// matmul throughput, GFLOP/s: square n×n @ n×n in float32 and float64, and the three
// products of a dense layer (forward X·W, and backward Xᵀ·dY and dY·Wᵀ on transposed views)
// in float32 — tapegrad on each of its backends next to a naive triple loop, TensorFlow.js
// (cpu and wasm backends), jax-js (wasm, jit) and numpy (one BLAS thread). Every contender
// computes the product and reads it back into a JS typed array; each one's result is
// checked before it is timed. The JS contenders run in alternation in this process; numpy
// runs in its own, after them.
import { matmul, Rng, randn, type Tensor, tensor } from '@tapegrad/core';
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
  type TfAnchor,
} from './lib/anchors.js';
import { checkClose, referenceMatmul } from './lib/check.js';
import {
  type Contender,
  failureNotes,
  type Measured,
  msOf,
  timeContenders,
} from './lib/contenders.js';
import type { Bench, BenchTable } from './lib/harness.js';
import { type Case, ratioTable, valueTable } from './lib/report.js';
import { tapegradBackends, tapegradName, valuesOf, withBackend } from './lib/tapegrad.js';

const SIZES = [128, 256, 512, 1024] as const;
const DTYPES = ['float32', 'float64'] as const;
type Dtype = (typeof DTYPES)[number];
/** The naive loop and tfjs-cpu take seconds per call beyond this size. */
const SLOW_MAX = 512;
/** jax-js's float64 matmul is ~1 GFLOP/s: 2 s a call at 1024. */
const JAX_F64_MAX = 512;

const NAIVE = 'naive JS loop';

const gflops = (flops: number, ms: number | undefined): number | undefined =>
  ms === undefined ? undefined : flops / (ms * 1e6);

/** The textbook i-j-k loop, float64 sums, one compiled copy per dtype (monomorphic). */
const naiveCopies = new Map<
  string,
  (n: number, a: ArrayLike<number>, b: ArrayLike<number>, c: Float64Array) => void
>();
function naive(dtype: Dtype) {
  let f = naiveCopies.get(dtype);
  if (f === undefined) {
    f = new Function(
      'n',
      'a',
      'b',
      'c',
      `for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < n; p++) s += a[i * n + p] * b[p * n + j];
        c[i * n + j] = s;
      }`,
    ) as (n: number, a: ArrayLike<number>, b: ArrayLike<number>, c: Float64Array) => void;
    naiveCopies.set(dtype, f);
  }
  return f;
}

/** One product for every contender: operands as stored, and how the product reads them. */
interface Product {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly dtype: Dtype;
  /** Stored operands, row-major, and their shapes. */
  readonly a: Float32Array | Float64Array;
  readonly aShape: readonly [number, number];
  readonly b: Float32Array | Float64Array;
  readonly bShape: readonly [number, number];
  /** Whether the product reads the stored operand transposed (a view, no copy asked for). */
  readonly transA: boolean;
  readonly transB: boolean;
}

function tapegradContender(backend: string, p: Product, reference: ArrayLike<number>): Contender {
  const tol = p.dtype === 'float32' ? 1e-3 : 1e-10;
  return {
    name: tapegradName(backend),
    setup: () =>
      withBackend(backend, () => {
        const a = tensor(p.a, { shape: [...p.aShape], dtype: p.dtype });
        const b = tensor(p.b, { shape: [...p.bShape], dtype: p.dtype });
        const lhs: Tensor = p.transA ? a.T : a;
        const rhs: Tensor = p.transB ? b.T : b;
        const run = () => withBackend(backend, () => valuesOf(matmul(lhs, rhs)));
        const got = run();
        if (backend === 'js') {
          // tapegrad's own kernel being wrong is a bug to stop at, as this bench always did
          checkClose(`tapegrad (js) matmul ${describe(p)}`, got, reference, tol);
        } else {
          checkClose(`${tapegradName(backend)} ${describe(p)}`, got, reference, tol);
        }
        return run;
      }),
  };
}

function tfContenders(tfa: TfAnchor | null, p: Product, reference: ArrayLike<number>): Contender[] {
  if (tfa === null || p.dtype !== 'float32') return [];
  const { tf } = tfa;
  const out: Contender[] = [];
  const make = (backend: 'cpu' | 'wasm', name: string, readback: boolean): Contender => ({
    name,
    setup: () => {
      tfa.use(backend);
      const a = tf.tensor2d(p.a as Float32Array, [...p.aShape]);
      const b = tf.tensor2d(p.b as Float32Array, [...p.bShape]);
      const compute = () => {
        tfa.use(backend);
        return tf.matMul(a, b, p.transA, p.transB);
      };
      const c = compute();
      checkClose(`${name} ${describe(p)}`, c.dataSync(), reference, 1e-3);
      c.dispose();
      return {
        run: readback
          ? () => {
              const r = compute();
              const d = r.dataSync();
              r.dispose();
              return d;
            }
          : () => compute().dispose(),
        dispose: () => {
          a.dispose();
          b.dispose();
        },
      };
    },
  });
  if (tfa.backends.includes('cpu') && p.m * p.k * p.n <= SLOW_MAX ** 3) {
    out.push({ ...make('cpu', TF_CPU, true), maxRounds: 3 });
  }
  if (tfa.backends.includes('wasm')) {
    out.push(make('wasm', TF_WASM, true), make('wasm', TF_WASM_NR, false));
  }
  return out;
}

function jaxContender(jax: Jax | null, p: Product, reference: ArrayLike<number>): Contender[] {
  if (jax === null || (p.dtype === 'float64' && p.m * p.k * p.n > JAX_F64_MAX ** 3)) return [];
  const np = jax.numpy;
  return [
    {
      name: JAX,
      setup: () => {
        // jax-js 0.1.25 takes no Float64Array in Node 20 (it tests `instanceof Float16Array`
        // first, and Node 20 has none): float64 operands are made from float32 ones by
        // astype, exact here since the values were drawn in float32.
        const put = (data: Float32Array | Float64Array, shape: readonly [number, number]) => {
          const x = np.array(Float32Array.from(data), { shape: [...shape] });
          return p.dtype === 'float64' ? x.astype(np.float64) : x;
        };
        const a = put(p.a, p.aShape);
        const b = put(p.b, p.bShape);
        const f = jax.jit((x: JaxArray, y: JaxArray) =>
          np.matmul(p.transA ? x.transpose() : x, p.transB ? y.transpose() : y),
        );
        const run = () => f(a.ref, b.ref).dataSync(); // dataSync consumes the result
        checkClose(`${JAX} ${describe(p)}`, run(), reference, p.dtype === 'float32' ? 1e-3 : 1e-10);
        return {
          run,
          dispose: () => {
            a.dispose();
            b.dispose();
            f.dispose();
          },
        };
      },
    },
  ];
}

const describe = (p: Product): string =>
  `[${p.m},${p.k}]@[${p.k},${p.n}] ${p.dtype}${p.transA ? ' (Aᵀ view)' : ''}${p.transB ? ' (Bᵀ view)' : ''}`;

export const bench: Bench = async () => {
  const tfa = await loadTfjs();
  const jax = await loadJax();
  const backends = tapegradBackends({ oneThread: true });
  const tapegrads = backends.map(tapegradName);
  const rng = new Rng(0);
  const failures: string[] = [];
  /** Values drawn once in float32 (so float64 copies are exact for every contender). */
  const draw = (n: number, dtype: Dtype) => {
    const v = randn([n], { rng }).toTypedArray() as Float32Array;
    return dtype === 'float32' ? v : Float64Array.from(v);
  };
  const record = (label: string, measured: Map<string, Measured>, flops: number) => {
    failures.push(...failureNotes(label, measured));
    return Object.fromEntries([...measured].map(([k, m]) => [k, gflops(flops, msOf(m))]));
  };

  // --- square n×n @ n×n
  const squareJs: Record<string, Record<string, number | undefined>> = {};
  for (const dtype of DTYPES) {
    for (const n of SIZES) {
      const p: Product = {
        m: n,
        k: n,
        n,
        dtype,
        a: draw(n * n, dtype),
        aShape: [n, n],
        b: draw(n * n, dtype),
        bShape: [n, n],
        transA: false,
        transB: false,
      };
      const slow = n <= SLOW_MAX;
      let reference: ArrayLike<number>;
      const contenders: Contender[] = [];
      if (slow) {
        const c = new Float64Array(n * n);
        naive(dtype)(n, p.a, p.b, c);
        reference = c;
        contenders.push({
          name: NAIVE,
          setup: () => () => naive(dtype)(n, p.a, p.b, c),
          maxRounds: 3,
        });
      } else {
        // beyond the naive loop's reach: tapegrad (js) is the reference (checked at ≤ 512)
        reference = withBackend('js', () =>
          matmul(tensor(p.a, { shape: [n, n], dtype }), tensor(p.b, { shape: [n, n], dtype })),
        ).toTypedArray();
      }
      contenders.unshift(...backends.map((b) => tapegradContender(b, p, reference)));
      contenders.push(...tfContenders(tfa, p, reference), ...jaxContender(jax, p, reference));
      // five rounds at least: a sample can take a new output's page faults (10–18 µs a page
      // on this kind of VM, 3–5 ms for 512²'s 1 MB), and a median of three kept one such
      const measured = timeContenders(contenders, {
        warmup: n >= 512 ? 1 : 2,
        minRounds: 5,
        maxRounds: n >= 512 ? 5 : 20,
        minTimeMs: 300,
      });
      squareJs[`${dtype} ${n}`] = record(`${n}×${n} ${dtype}`, measured, 2 * n ** 3);
    }
  }

  // --- the dense layer's three products, float32
  const B = 256;
  const D = 3072;
  const H = 100;
  const X = draw(B * D, 'float32');
  const W = draw(D * H, 'float32');
  const dY = draw(B * H, 'float32');
  const dense: { id: string; label: string; p: Product; ref: () => Float64Array }[] = [
    {
      id: 'XW',
      label: 'X·W     [256,3072]@[3072,100]',
      p: {
        m: B,
        k: D,
        n: H,
        dtype: 'float32',
        a: X,
        aShape: [B, D],
        b: W,
        bShape: [D, H],
        transA: false,
        transB: false,
      },
      ref: () => referenceMatmul(B, D, H, X, [D, 1], W, [H, 1]),
    },
    {
      id: 'XtdY',
      label: 'Xᵀ·dY   [3072,256]@[256,100], X stored [256,3072]',
      p: {
        m: D,
        k: B,
        n: H,
        dtype: 'float32',
        a: X,
        aShape: [B, D],
        b: dY,
        bShape: [B, H],
        transA: true,
        transB: false,
      },
      ref: () => referenceMatmul(D, B, H, X, [1, D], dY, [H, 1]),
    },
    {
      id: 'dYWt',
      label: 'dY·Wᵀ   [256,100]@[100,3072], W stored [3072,100]',
      p: {
        m: B,
        k: H,
        n: D,
        dtype: 'float32',
        a: dY,
        aShape: [B, H],
        b: W,
        bShape: [D, H],
        transA: false,
        transB: true,
      },
      ref: () => referenceMatmul(B, H, D, dY, [H, 1], W, [1, H]),
    },
  ];
  const denseJs: Record<string, Record<string, number | undefined>> = {};
  for (const { id, label, p, ref } of dense) {
    const reference = ref();
    const contenders = [
      ...backends.map((b) => tapegradContender(b, p, reference)),
      ...tfContenders(tfa, p, reference),
      ...jaxContender(jax, p, reference),
    ];
    const measured = timeContenders(contenders, {
      warmup: 2,
      minRounds: 5,
      maxRounds: 15,
      minTimeMs: 500,
    });
    denseJs[id] = record(label, measured, 2 * B * D * H);
  }

  // --- numpy, after the JS timings (its own process)
  const py = runNumpy(['matmul', 'dense']) as {
    matmul: Record<string, { gflops: number }>;
    dense: Record<string, { gflops: number }>;
  } | null;

  const squareCases: Case[] = [];
  for (const dtype of DTYPES) {
    for (const n of SIZES) {
      const key = `${dtype} ${n}`;
      squareCases.push({
        cells: [n, dtype],
        values: { ...squareJs[key], [NUMPY]: py?.matmul[key]?.gflops },
      });
    }
  }
  const denseCases: Case[] = dense.map(({ id, label }) => ({
    cells: [label],
    values: { ...denseJs[id], [NUMPY]: py?.dense[id]?.gflops },
  }));

  const metric = { unit: 'GFLOP/s', higherIsBetter: true } as const;
  const contenderOrder = [...tapegrads, NAIVE, TF_CPU, TF_WASM, TF_WASM_NR, JAX, NUMPY];
  const anchors = [NAIVE, TF_CPU, TF_WASM, JAX, NUMPY];
  const anchorNotes = ['tfjs-cpu', 'tfjs-wasm', 'jax-js', 'numpy'].map(anchorNote);
  const tables: BenchTable[] = [
    valueTable({
      title: 'matmul GFLOP/s, square n×n @ n×n (result read back; median of interleaved runs)',
      caseColumns: ['n', 'dtype'],
      contenders: contenderOrder,
      cases: squareCases,
      metric,
      notes: [
        `naive JS loop: i-j-k over the same values, float64 sums (n ≤ ${SLOW_MAX}); tfjs-cpu also stops at ${SLOW_MAX} (seconds a call beyond).`,
        'tfjs has no float64; jax-js float64 stops at 512 (~1 GFLOP/s). "no readback": the kernel alone (tfjs-wasm computes eagerly).',
        'Each contender computes C and has it in a JS typed array: tapegrad reads its output in place (denseValues: it is one;',
        '  toTypedArray() would copy it), tfjs/jax-js dataSync() (tfjs-cpu returns its own array, tfjs-wasm and jax-js copy',
        '  out of wasm memory); numpy just computes.',
        ...anchorNotes,
        ...failures,
      ],
    }),
    ratioTable({
      title: 'matmul: tapegrad ÷ anchor speed, square',
      caseColumns: ['n', 'dtype'],
      tapegrads,
      anchors,
      cases: squareCases,
      metric,
    }),
    valueTable({
      title: 'dense-layer products GFLOP/s, float32, B=256 D=3072 H=100 (transposes are views)',
      caseColumns: ['product'],
      contenders: contenderOrder,
      cases: denseCases,
      metric,
      notes: [
        'tapegrad: matmul(X, W), matmul(X.T, dY), matmul(dY, W.T); tfjs: matMul with transposeA/transposeB;',
        'jax-js: jit(np.matmul(x.transpose(), y)) etc.; numpy: X @ W, X.T @ dY, dY @ W.T. 157 MFLOP each.',
      ],
    }),
    ratioTable({
      title: 'dense-layer products: tapegrad ÷ anchor speed',
      caseColumns: ['product'],
      tapegrads,
      anchors: [TF_CPU, TF_WASM, JAX, NUMPY],
      cases: denseCases,
      metric,
    }),
  ];
  return tables;
};
