// The 'wasm' backend's product as the ops use it: operands that are views (offsets,
// transposes, slices), its scratch memory growing and being reused, and the cases it hands
// to the JavaScript kernel (float64 or mixed dtypes, small products, scattered operands).

import {
  getBackend,
  getNumThreads,
  linear,
  linearRelu,
  matmul,
  Rng,
  randn,
  ready,
  relu,
  setBackend,
  setNumThreads,
  slice,
  type Tensor,
  tensor,
  threadsReady,
  zeros,
} from '@tapegrad/core';
import {
  type Dense,
  E,
  emptyArray,
  type Kernels,
  kernelsOf,
  makeArray,
  registerBackend,
} from '@tapegrad/core/op-kit';
import { scaledRuns } from '@tapegrad/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FUSED_MIN_SIZE,
  GEMM_MIN_DIM,
  GEMM_MIN_WORK,
  GEMM_THREADS_MIN_WORK,
  loadWasmBackend,
  SKINNY_MIN_WORK,
  SUM_ROWS_MIN_SIZE,
  UPDATE_MIN_SIZE,
  type WasmApi,
  type WasmBackend,
} from '../src/backend/wasm/index.js';
import { sizeOf } from '../src/shape.js';
import { exprArb, valueArb } from './expr-arbitraries.js';
import { inFreshProcess, srcUrl } from './fresh-process.js';
import { blockedF32Product } from './reference.js';

const rng = new Rng(11);
const onJs = <T>(f: () => T): T => {
  const previous = getBackend();
  setBackend('js');
  try {
    return f();
  } finally {
    setBackend(previous);
  }
};
const bits = (t: Tensor): number[] => Array.from(t.toTypedArray());
/** A 2-D array as a product's operand. */
const operand = (a: Tensor['data']) => ({
  data: a.data,
  offset: a.offset,
  rs: a.stride[0]!,
  cs: a.stride[1]!,
});

/** |wasm − js| ≤ γ_k·Σ|a||b| per cell (the js result is float64-summed, rounded once). */
function expectClose(a: Tensor, b: Tensor): void {
  const got = matmul(a, b).toTypedArray();
  const want = onJs(() => matmul(a, b).toTypedArray());
  const mag = onJs(() => matmul(a.abs(), b.abs()).toTypedArray());
  const k = a.shape.at(-1)!;
  const u = 2 ** -24;
  const gamma = ((k + 1) * u) / (1 - (k + 1) * u);
  for (let i = 0; i < got.length; i++) {
    const tol = gamma * mag[i]! + u * Math.abs(want[i]!);
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) {
      throw new Error(`cell ${i}: ${got[i]} vs ${want[i]} (tolerance ${tol})`);
    }
  }
}

describe("the 'wasm' backend's matrix product", () => {
  const previous = getBackend();
  beforeAll(() => setBackend('wasm'));
  afterAll(() => setBackend(previous));

  it('reads operands that are views: offsets, transposes, row and column slices', () => {
    const big = randn([90, 120], { rng });
    const a = slice(slice(big, 0, 7, 87), 1, 5, 65); // [80, 60] at an offset, row stride 120
    const b = randn([50, 60], { rng }).T; // [60, 50] column-major
    expectClose(a, b);
    expectClose(b.T, a.T); // [50, 60] @ [60, 80]
    expectClose(slice(big, 1, 0, 40), slice(randn([40, 70], { rng }), 1, 3, 70));
  });

  it('grows its memory for a large product and stays right for small ones after', () => {
    const small = [randn([30, 30], { rng }), randn([30, 30], { rng })] as const;
    expectClose(...small);
    expectClose(randn([700, 500], { rng }), randn([500, 600], { rng }));
    expectClose(...small);
    // a repeated product gives the same bits (the scratch area is reused, not stale)
    expect(bits(matmul(...small))).toEqual(bits(matmul(...small)));
  });

  it('batched products, each batch an offset into the same storage', () => {
    expectClose(randn([3, 40, 30], { rng }), randn([3, 30, 50], { rng }));
    expectClose(
      randn([2, 1, 40, 30], { rng }),
      randn([4, 30, 20], { rng }).transpose(1, 2).transpose(1, 2),
    );
  });

  /** A tensor of `shape` filled with `values` over and over. */
  const cycled = (shape: number[], values: readonly number[]) =>
    tensor(
      Array.from({ length: shape[0]! * shape[1]! }, (_, i) => values[i % values.length]!),
      { shape },
    );
  const SPECIALS = [0, -0, 1, -1, Infinity, Number.NaN, -0, 2, 3, -Infinity, 0.5, -0];

  it("float64, mixed dtypes, small and scattered products give the js kernel's bits", () => {
    const cases: [Tensor, Tensor][] = [
      [randn([40, 50], { rng, dtype: 'float64' }), randn([50, 30], { rng, dtype: 'float64' })],
      [randn([40, 50], { rng }), randn([50, 30], { rng, dtype: 'float64' })],
      [randn([10, 10], { rng }), randn([10, 10], { rng })],
      // skinny, below its threshold
      [randn([7, 3], { rng }).T, randn([7, 45], { rng })],
      // 40 of every 1000 columns: copying the span in would move 25× the operand
      [slice(randn([60, 1000], { rng }), 1, 0, 40), randn([40, 40], { rng })],
    ];
    expect(10 * 10 * 10).toBeLessThan(GEMM_MIN_WORK);
    expect(3 * 45 * 7).toBeLessThan(SKINNY_MIN_WORK);
    for (const [a, b] of cases) {
      expect(bits(matmul(a, b))).toEqual(onJs(() => bits(matmul(a, b))));
    }
  });

  it("skinny and shallow float32 products sum in float32 in the tile's order (specials too)", () => {
    const cases: [Tensor, Tensor][] = [
      // a dimension under 4 (the case study's 2 inputs, 3 classes)
      [randn([300, 2], { rng }), randn([2, 100], { rng })],
      [randn([300, 3], { rng }), randn([100, 3], { rng }).T],
      // rows of C in blocks of 8 columns, then 4, then one by one (63 = 7·8 + 4 + 3), one row
      [randn([200, 3], { rng }).T, randn([200, 63], { rng })],
      [randn([1, 300], { rng }), randn([300, 30], { rng })],
      [randn([300, 100], { rng }), randn([100, 3], { rng })],
      // fewer than 4 columns from an A stored row by row: four rows at a time (three columns
      // in one vector; one or two, four rows' values gathered), with rows past the last four,
      // a transposed B, a single column, a sliced A
      [randn([301, 50], { rng }), randn([3, 50], { rng }).T],
      [randn([41, 64], { rng }), randn([64, 1], { rng })],
      [slice(randn([62, 90], { rng }), 1, 0, 70), randn([70, 2], { rng })],
      // ... and from an A stored column by column (dW1 = (dhᵀ·x)ᵀ's product): Aᵀ read in place
      [randn([300, 100], { rng }).T, randn([300, 2], { rng })],
      // shallow (k < 4), eight columns down the rows, then four, then one by one (37 = 4·8 +
      // 4 + 1): k = 1, A read through a transpose; zeros of both signs, ∞ and NaN (each cell
      // sums from +0 in order) for k = 2 and k = 3
      [randn([50, 3], { rng }), randn([3, 37], { rng })],
      [randn([200, 1], { rng }), randn([1, 30], { rng })],
      [randn([2, 201], { rng }).T, randn([2, 10], { rng })],
      [cycled([300, 2], SPECIALS), cycled([2, 13], [-0, 1, -2, 0, 3, 1e-30, -4, 5, -0.5])],
      [cycled([97, 3], SPECIALS), cycled([3, 21], [-0, 1, -2, 0, 3, 1e-30, -4, 5])],
      // ... and in a product of fewer than 4 columns, four rows of A at a time
      [cycled([301, 9], SPECIALS), cycled([9, 3], [-0, 1, -2, 0, 3, 1e-30, -4, 5])],
      // ... and two or three rows of C (or columns, of an A stored column by column) at once
      [cycled([2, 300], SPECIALS), randn([300, 13], { rng })],
      [cycled([300, 41], SPECIALS).T, cycled([300, 3], [1, -0, 2.5, -3, 0])],
      [randn([3, 150], { rng }), cycled([150, 22], SPECIALS)],
      // two and three k-blocks: each summed from +0, then added to the cell
      [randn([3, 600], { rng }), randn([600, 21], { rng })],
      [randn([45, 513], { rng }), randn([513, 2], { rng })],
      [randn([50, 600], { rng }), randn([600, 3], { rng })],
      [randn([700, 30], { rng }).T, randn([700, 3], { rng })],
    ];
    for (const [a, b] of cases) {
      const [m, k] = a.shape as [number, number];
      expect(Math.min(m, k, b.shape[1]!)).toBeLessThan(GEMM_MIN_DIM);
      expect(m * k * b.shape[1]!).toBeGreaterThanOrEqual(SKINNY_MIN_WORK);
      const expected = blockedF32Product(a.toArray() as number[][], b.toArray() as number[][]);
      expect(matmul(a, b).toArray(), `${a.shape} @ ${b.shape}`).toEqual(expected);
    }
  });

  it("linear's bias, added by the product's kernel, gives matmul then add's bits on both backends", async () => {
    const cases: [Tensor, Tensor, Tensor][] = [
      // skinny, the module's float32 product, float64, a mixed bias
      [randn([300, 2], { rng }), randn([100, 2], { rng }), randn([100], { rng })],
      [randn([300, 100], { rng }), randn([3, 100], { rng }), randn([3], { rng })],
      [randn([64, 512], { rng }), randn([64, 512], { rng }), randn([64], { rng })],
      [
        randn([50, 40], { rng, dtype: 'float64' }),
        randn([30, 40], { rng, dtype: 'float64' }),
        randn([30], { rng }),
      ],
      // a strided bias (added after the product), and batch dims folded into rows
      [
        randn([300, 2], { rng }),
        randn([100, 2], { rng }),
        slice(randn([100, 2], { rng }).T, 0, 0, 1).squeeze(0),
      ],
      [randn([4, 75, 2], { rng }), randn([100, 2], { rng }), randn([100], { rng })],
    ];
    for (const backend of ['js', 'wasm']) {
      setBackend(backend);
      for (const [x, w, b] of cases) {
        expect(bits(linear(x, w, b)), backend).toEqual(bits(matmul(x, w.T).add(b)));
      }
    }
    setBackend('wasm');
    // the module adds the bias to the product it holds, no copy back and forth: a shallow
    // product (k < 4) as it stores C, others in one mapF32 call
    const { backend, count } = await countingBackend(['mapF32']);
    for (const [[x, w, b], calls] of [
      [cases[0]!, 0],
      [cases[1]!, 1],
      [cases[2]!, 1],
    ] as const) {
      const [m, n, k] = [x.shape[0]!, w.shape[0]!, x.shape[1]!];
      const out = new Float32Array(m * n);
      count.calls = 0;
      backend.kernels.gemmBias(m, n, k, operand(x.data), operand(w.T.data), b.data, out, 0);
      expect(count.calls, `${x.shape} ${w.shape}`).toBe(calls);
      expect(Array.from(out)).toEqual(bits(matmul(x, w.T).add(b)));
    }
  });

  it("linearRelu gives relu(linear)'s bits on both backends, the relu applied in the module", async () => {
    const cases: [Tensor, Tensor, Tensor | null][] = [
      // skinny (the case study's first layer), the module's float32 product, on two threads
      [randn([300, 2], { rng }), randn([100, 2], { rng }), randn([100], { rng })],
      [randn([64, 512], { rng }), randn([64, 512], { rng }), randn([64], { rng })],
      [randn([256, 256], { rng }), randn([256, 256], { rng }), randn([256], { rng })],
      // no bias, float64, a mixed bias, a strided one, small, batch dims folded into rows
      [randn([300, 100], { rng }), randn([3, 100], { rng }), null],
      [
        randn([50, 40], { rng, dtype: 'float64' }),
        randn([30, 40], { rng, dtype: 'float64' }),
        randn([30], { rng }),
      ],
      [randn([40, 50], { rng }), randn([30, 50], { rng }), randn([30], { rng, dtype: 'float64' })],
      [
        randn([300, 2], { rng }),
        randn([100, 2], { rng }),
        slice(randn([100, 2], { rng }).T, 0, 0, 1).squeeze(0),
      ],
      [randn([5, 3], { rng }), randn([4, 3], { rng }), randn([4], { rng })],
      [randn([4, 75, 2], { rng }), randn([100, 2], { rng }), randn([100], { rng })],
      // zeros of both signs and NaN in the sums: relu keeps NaN and gives +0 for -0
      [cycled([300, 2], SPECIALS), cycled([100, 2], [1, -1, 0.5, -0]), null],
      // shallow, with a bias, past the last eight columns and the last four (k = 3 and 1)
      [
        cycled([61, 3], SPECIALS),
        randn([37, 3], { rng }),
        cycled([1, 37], [1, -0, -2, 0.5]).reshape([37]),
      ],
      [randn([30, 1], { rng }), cycled([13, 1], [1, -1, 0.5, -0]), randn([13], { rng })],
    ];
    for (const backend of ['js', 'wasm']) {
      setBackend(backend);
      for (const [x, w, b] of cases) {
        const where = `${backend} ${x.shape} ${w.shape} ${b?.shape}`;
        expect(bits(linearRelu(x, w, b)), where).toEqual(bits(relu(linear(x, w, b))));
      }
    }
    setBackend('wasm');
    // the module adds the bias and applies relu to the product it holds: a shallow product
    // as it stores C, others in two mapF32 calls (one without a bias)
    const { backend, count } = await countingBackend(['mapF32']);
    for (const [[x, w, b], calls] of [
      [cases[0]!, 0],
      [cases[1]!, 2],
      [cases[3]!, 1],
    ] as const) {
      const [m, n, k] = [x.shape[0]!, w.shape[0]!, x.shape[1]!];
      const out = new Float32Array(m * n);
      count.calls = 0;
      const bd = b === null ? null : b.data;
      backend.kernels.gemmBiasRelu!(m, n, k, operand(x.data), operand(w.T.data), bd, out, 0);
      expect(count.calls, `${x.shape} ${w.shape}`).toBe(calls);
      expect(Array.from(out)).toEqual(bits(relu(linear(x, w, b))));
    }
    const [x, w, b] = cases[0]!;
    // a backend without the fused kernel: the product, then relu's map
    const { gemmBiasRelu: _, ...withoutRelu } = kernelsOf('wasm');
    registerBackend('no-fused-relu', withoutRelu);
    setBackend('no-fused-relu');
    try {
      expect(bits(linearRelu(x, w, b))).toEqual(onJs(() => bits(relu(linear(x, w, b)))));
    } finally {
      setBackend('wasm');
    }
  });

  it("linearRelu's backward in one call gives the ops' bits: dz kept in module memory", () => {
    // [m, k] inputs, [n, k] weights: skinny products (the case study's first layer), the
    // module's tile (both dW and dx), no bias, x a transposed view, and a tiny one (the ops)
    const cases: [number, number, number, boolean, boolean][] = [
      [300, 100, 2, true, false],
      [300, 100, 2, true, true],
      [128, 96, 80, true, true],
      [64, 40, 3, false, true],
      [200, 30, 50, true, true],
      [10, 8, 4, true, true],
    ];
    const calls = { fused: 0 };
    const wasm = kernelsOf('wasm');
    registerBackend('counting-grads', {
      ...wasm,
      linearReluGrads: (...args) => {
        const done = wasm.linearReluGrads!(...args);
        if (done) calls.fused++;
        return done;
      },
    });
    setBackend('counting-grads');
    try {
      cases.forEach(([m, n, k, withBias, transposed], i) => {
        const x = (transposed ? randn([k, m], { rng }).T : randn([m, k], { rng })).requiresGrad_();
        const w = randn([n, k], { rng }).requiresGrad_();
        const b = withBias ? randn([n], { rng }).requiresGrad_() : null;
        const dy = randn([m, n], { rng });
        const grads = (f: () => Tensor) => {
          for (const t of [x, w, b]) if (t !== null) t.grad = null;
          f().backward(dy);
          return [x, w, b].map((t) => (t === null ? null : bits(t.grad!)));
        };
        const before = calls.fused;
        const fused = grads(() => linearRelu(x, w, b));
        expect(calls.fused - before, `case ${i}`).toBe(m * n >= 2048 ? 1 : 0);
        expect(fused, `case ${i}`).toEqual(grads(() => relu(linear(x, w, b))));
      });
    } finally {
      setBackend('wasm');
    }
  });

  it('k = 0 and empty products', () => {
    expect(bits(matmul(zeros([40, 0]), zeros([0, 40])))).toEqual(new Array(1600).fill(0));
    expect(matmul(zeros([0, 40]), zeros([40, 40])).shape).toEqual([0, 40]);
  });

  it('uses the module kernel (not the js one) above the threshold', () => {
    const wasm = kernelsOf('wasm');
    const js = kernelsOf('js');
    expect(wasm.gemm).not.toBe(js.gemm);
    // float32 sums differ from float64 ones in the last bits somewhere in a deep product
    const a = randn([64, 512], { rng });
    const b = randn([512, 64], { rng });
    expect(bits(matmul(a, b))).not.toEqual(onJs(() => bits(matmul(a, b))));
    expectClose(a, b);
  });
});

describe("the 'wasm' backend's second thread", () => {
  it('starts with the first product large enough to share, not when core loads', async () => {
    // a fresh process: small work, then a large product (on one thread), then two threads
    const seen = await inFreshProcess(`
      const core = await import(${srcUrl('index.ts')});
      const workers = () => process.getActiveResourcesInfo().filter((r) => r === 'Worker').length;
      const seen = [core.getNumThreads(), workers()];
      core.matmul(core.randn([64, 64]), core.randn([64, 64])).sum().item();
      seen.push(core.getNumThreads(), workers());
      core.matmul(core.randn([200, 200]), core.randn([200, 200]));
      seen.push(core.getNumThreads(), await core.threadsReady());
      console.log(JSON.stringify(seen));`);
    // no worker until the 200³ product; that one ran on one thread; then 2
    expect(seen).toEqual([1, 0, 1, 0, 1, 2]);
  }, 60_000);

  it('burns no core between products: neither while it naps nor after', async () => {
    // a fresh process, so that only this worker runs; the process's CPU time counts all its
    // threads. This tells a spinning worker (a core) from a napping or sleeping one (~1% or
    // ~0, too close to tell apart here): the naps' length is the bench's business.
    const { napping, asleep } = (await inFreshProcess(`
      const core = await import(${srcUrl('index.ts')});
      await core.threadsReady();
      core.matmul(core.randn([256, 256]), core.randn([256, 256])); // on two threads
      const cpuMs = async (ms) => {
        const c0 = process.cpuUsage();
        await new Promise((r) => setTimeout(r, ms));
        const d = process.cpuUsage(c0);
        return (d.user + d.system) / 1000;
      };
      await cpuMs(20); // past the worker's spin (2 ms)
      const napping = await cpuMs(500);
      await cpuMs(700); // past its naps (a second after the product)
      const asleep = await cpuMs(500);
      console.log(JSON.stringify({ napping, asleep }));`)) as { napping: number; asleep: number };
    // a spinning worker would take the whole 500 ms of a core; a nap every 5 ms measured ~1%
    expect(napping).toBeLessThan(100);
    expect(asleep).toBeLessThan(100);
  }, 60_000);

  const previous = getBackend();
  beforeAll(() => setBackend('wasm'));
  afterAll(() => {
    setBackend(previous);
    setNumThreads(2);
  });

  it('starts in Node: threadsReady() resolves to 2', async () => {
    expect(await threadsReady()).toBe(2);
    expect(getNumThreads()).toBe(2);
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    setNumThreads(8); // as many as there are: 2
    expect(getNumThreads()).toBe(2);
  });

  it('gives the same bits as one thread, split by rows or by columns', async () => {
    await threadsReady();
    for (const [m, n, k] of [
      [300, 200, 300], // rows
      [100, 300, 600], // columns
      [257, 131, 501], // fringe tiles on both sides of the split
      [260, 260, 260],
      [300, 300, 200], // an output of 2¹⁶ values or more: its pages are touched first
    ] as const) {
      expect(m * n * k).toBeGreaterThanOrEqual(GEMM_THREADS_MIN_WORK);
      for (const transposed of [false, true]) {
        const a = transposed ? randn([k, m], { rng }).T : randn([m, k], { rng });
        const b = transposed ? randn([n, k], { rng }).T : randn([k, n], { rng });
        setNumThreads(1);
        const one = bits(matmul(a, b));
        setNumThreads(2);
        expect(bits(matmul(a, b)), `${m}×${k} @ ${k}×${n}`).toEqual(one);
      }
    }
  });

  it('computes on a memory of its own, and on shared memory only what two threads share', async () => {
    // which memory each instance is given, and the calls each one's product kernel gets
    const native = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const made: string[] = [];
    const calls = { own: 0, shared: 0 };
    const counted = (instance: { readonly exports: object }, kind: 'own' | 'shared') => {
      made.push(kind);
      const inner = instance.exports as Record<string, unknown>;
      const count = (name: string) => {
        const f = inner[name] as (...a: unknown[]) => unknown;
        return (...args: unknown[]) => {
          calls[kind]++;
          return f(...args);
        };
      };
      // the module's exports are frozen: a copy with the products (one thread's, and this
      // thread's part of a shared one) wrapped
      return { exports: { ...inner, gemm: count('gemm'), gemmShare: count('gemmShare') } };
    };
    const kindOf = (imports: object) =>
      (imports as { env?: { memory?: unknown } }).env?.memory === undefined ? 'own' : 'shared';
    const api: WasmApi = {
      validate: (bytes) => native.validate(bytes),
      Module: native.Module,
      Memory: native.Memory,
      compile: (bytes) => native.compile(bytes),
      instantiate: async (module, imports) =>
        counted(await native.instantiate(module, imports), kindOf(imports)),
      Instance: class {
        constructor(module: object, imports: object) {
          // biome-ignore lint/correctness/noConstructorReturn: stands in for the native class
          return counted(new native.Instance(module, imports), kindOf(imports));
        }
      } as unknown as WasmApi['Instance'],
    };
    const backend = loadWasmBackend(api) as WasmBackend; // Node: shared memory can be made
    expect(made).toEqual(['own']);
    const product = (m: number, k: number, n: number) => {
      const a = { data: randn([m, k], { rng }).toTypedArray(), offset: 0, rs: k, cs: 1 };
      const b = { data: randn([k, n], { rng }).toTypedArray(), offset: 0, rs: n, cs: 1 };
      const c = new Float32Array(m * n);
      backend.kernels.gemm(m, n, k, a, b, c, 0);
      return c;
    };
    product(60, 70, 80);
    expect(calls).toEqual({ own: 1, shared: 0 });
    expect(await backend.start()).toBe(true);
    expect(made).toEqual(['own', 'shared']); // compiled for the worker only now
    product(60, 70, 80); // too small to share: still on the memory of its own
    expect(calls).toEqual({ own: 2, shared: 0 });
    product(300, 200, 300); // shared by two threads (the worker's part runs in its instance)
    expect(calls).toEqual({ own: 2, shared: 1 });
    backend.setThreads(1);
    product(300, 200, 300);
    expect(calls).toEqual({ own: 3, shared: 1 });
  });

  it('batched products on two threads: each batch at its offset of the output', async () => {
    await threadsReady();
    const a = randn([3, 260, 250], { rng }); // 260·280·250 per batch: shared
    const b = randn([250, 280], { rng });
    setNumThreads(1);
    const one = bits(matmul(a, b));
    setNumThreads(2);
    expect(bits(matmul(a, b))).toEqual(one);
    expectClose(a, b);
  });

  it('setNumThreads refuses what is not a whole number ≥ 1', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '2' as unknown as number]) {
      expect(() => setNumThreads(bad)).toThrow(
        /setNumThreads: the number of threads must be a whole number ≥ 1, got/,
      );
    }
  });
});

/** Random float32 values with the awkward ones mixed in: ±0, ±Inf, NaN, subnormals, huge. */
function values(n: number): Float32Array {
  const special = [0, -0, Infinity, -Infinity, Number.NaN, 1e-45, -1e-45, 3e38, -3e38, 1, -1];
  return Float32Array.from({ length: n }, (_, i) =>
    i % 7 === 0 ? special[(i / 7) % special.length]! : (rng.random() - 0.5) * 10,
  );
}

/**
 * A 'wasm' backend built on a WebAssembly API whose instances count the calls of the named
 * exports (`calls`) and the instances that have one (`compiled`); the module's exports are
 * frozen, so each instance gets a copy with those exports wrapped. `refuse` makes the API
 * refuse to compile some bytes (a runtime that compiles only some modules).
 */
async function countingBackend(names: readonly string[], refuse?: (bytes: Uint8Array) => boolean) {
  const native = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const count = { calls: 0, compiled: 0 };
  const api: WasmApi = {
    ...native,
    validate: (bytes) => native.validate(bytes),
    Module: class {
      constructor(bytes: Uint8Array<ArrayBuffer>) {
        if (refuse?.(bytes)) throw new RangeError('refused');
        // biome-ignore lint/correctness/noConstructorReturn: stands in for the native class
        return new native.Module(bytes);
      }
    } as unknown as WasmApi['Module'],
    Memory: native.Memory,
    compile: (bytes) => native.compile(bytes),
    instantiate: (module, imports) => native.instantiate(module, imports),
    Instance: class {
      readonly exports: object;
      constructor(module: object, imports: object) {
        const inner = new native.Instance(module, imports).exports as Record<string, unknown>;
        const wrapped: Record<string, unknown> = { ...inner };
        let counted = false;
        for (const name of names) {
          const f = inner[name];
          if (typeof f !== 'function') continue;
          counted = true;
          wrapped[name] = (...args: unknown[]) => {
            count.calls++;
            return f(...args);
          };
        }
        if (counted) count.compiled++;
        this.exports = wrapped;
      }
    } as unknown as WasmApi['Instance'],
  };
  return { backend: (await loadWasmBackend(api, false))!, count };
}

describe("the 'wasm' backend's elementwise kernels", () => {
  const wasm = kernelsOf('wasm');
  const js = kernelsOf('js');
  const EXPRS = {
    add: E.add(E.input(0), E.input(1)),
    sub: E.sub(E.input(0), E.input(1)),
    mul: E.mul(E.input(0), E.input(1)),
    // relu's and its backward's expressions (ops/relu.ts, ops/relu-backward.ts)
    relu: E.max(E.input(0), 0),
    reluBackward: E.select(E.le(E.input(1), 0), 0, E.input(0)),
  };

  it('x + y, x − y, x·y, relu and its backward give the js kernels’ bits (specials too)', () => {
    for (const n of [2047, 2048, 2051, 30_000]) {
      for (const [name, expr] of Object.entries(EXPRS)) {
        const x = makeArray(values(n), [n]);
        const y = makeArray(values(n), [n]);
        const a = emptyArray([n], 'float32');
        const b = emptyArray([n], 'float32');
        wasm.map(expr, [x, y], a);
        js.map(expr, [x, y], b);
        expect(Array.from(a.data), `${name}, n = ${n}`).toEqual(Array.from(b.data));
      }
    }
  });

  it('a bias broadcast over rows, in place, and views that stay on js give the same bits', () => {
    for (const [rows, row] of [
      [300, 100],
      [700, 3],
      [41, 77],
    ] as const) {
      const m = makeArray(values(rows * row), [rows, row]);
      const bias = makeArray(values(row), [row]);
      for (const expr of [EXPRS.add, EXPRS.sub, EXPRS.mul]) {
        const a = emptyArray([rows, row], 'float32');
        const b = emptyArray([rows, row], 'float32');
        wasm.map(expr, [m, bias], a);
        js.map(expr, [m, bias], b);
        expect(Array.from(a.data)).toEqual(Array.from(b.data));
        // the bias first, a transposed view, an output in place of its input
        const t = makeArray(values(rows * row), [row, rows]);
        const tT = makeArray(t.data, [rows, row], [1, rows]);
        wasm.map(expr, [tT, m], a);
        js.map(expr, [tT, m], b);
        expect(Array.from(a.data)).toEqual(Array.from(b.data));
        const inPlace = makeArray(Float32Array.from(m.data), [rows, row]);
        wasm.map(expr, [inPlace, bias], inPlace);
        js.map(expr, [m, bias], b);
        expect(Array.from(inPlace.data)).toEqual(Array.from(b.data));
      }
    }
  });
});

describe("the 'wasm' backend's compiled expressions", () => {
  /** A backend whose generated kernels (the export `k`) count their calls. */
  async function counting(refuse?: (bytes: Uint8Array) => boolean) {
    const { backend, count } = await countingBackend(['k'], refuse);
    return { map: backend.kernels.map, count };
  }

  const js = kernelsOf('js');
  const f64Specials = [1e300, -1e300, 5e-324, -5e-324, 1.0000000000000002, 3.4e38, 3.5e38];
  /** values(n) widened to float64, with float64's own extremes mixed in. */
  function values64(n: number): Float64Array {
    return Float64Array.from(values(n), (v, i) =>
      i % 11 === 5 ? f64Specials[(i / 11) % f64Specials.length]! : v * (1 + 2 ** -40),
    );
  }
  /** Whether the module computes every operation of e (log, log1p and pow it does not). */
  const compilable = (e: E.Expr): boolean => !/\b(log|log1p|pow)\(/.test(E.exprKey(e));
  // past the size at which kernels run in wasm; [16390] and [3, 6000] take two chunks
  const SHAPES = [
    [4096],
    [4099],
    [2, 4099],
    [1366, 3],
    [64, 65],
    [5000, 1],
    [16390],
    [3, 6000],
  ] as const;
  const layoutArb = fc.constantFrom('full', 'row', 'scalar');

  it('give the js kernels’ bits for every node kind, layout (dense, bias row, one value) and dtype', async () => {
    const { map, count } = await counting();
    // the first expression with exp (tanh) makes the backend check Math.exp (Math.tanh), with
    // a call of its own
    for (const f of [E.exp, E.tanh]) {
      map(f(E.input(0)), [makeArray(values(8192), [8192])], emptyArray([8192], 'float32'));
    }
    fc.assert(
      fc.property(
        exprArb,
        fc.constantFrom(...SHAPES),
        fc.tuple(layoutArb, layoutArb, layoutArb),
        fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean()),
        fc.tuple(valueArb, valueArb),
        (expr, shape, layouts, [f0, f1, f2, out64], params) => {
          const n = sizeOf(shape);
          const row = shape.at(-1)!;
          const inputs = layouts.map((l, i) => {
            const size = l === 'full' ? n : l === 'row' ? row : 1;
            const data = [f0, f1, f2][i] ? values64(size) : values(size);
            return makeArray(data, l === 'full' ? [...shape] : l === 'row' ? [row] : []);
          });
          const dtype = out64 ? 'float64' : 'float32';
          const got = emptyArray([...shape], dtype);
          const want = emptyArray([...shape], dtype);
          const before = count.calls;
          map(expr, inputs, got, params);
          js.map(expr, inputs, want, params);
          const where = `${E.exprKey(expr)}, ${layouts}, [${shape}]`;
          // the generated kernel ran exactly when the expression compiles
          expect(count.calls > before, where).toBe(compilable(expr));
          for (let i = 0; i < n; i++) {
            if (!Object.is(got.data[i], want.data[i])) {
              throw new Error(
                `${where}: value ${i} is ${got.data[i]}, the js kernel's ${want.data[i]}`,
              );
            }
          }
        },
      ),
      { numRuns: scaledRuns(150) },
    );
    expect(count.compiled).toBeGreaterThan(0);
  });

  // fdlibm's branch points, their neighbours and the specials: for exp |x| = ln2/2, 1.5·ln2,
  // 2⁻²⁸, the overflow and underflow thresholds, k = −1021, and exp(1) (V8 returns Math.E);
  // for tanh |x| = 2⁻²⁸, 1, 22 and expm1's reductions at 2|x| = ln2/2, 1.5·ln2, 20·ln2, 56·ln2
  const FUNCTIONS = {
    exp: {
      expr: E.exp(E.input(0)),
      reference: Math.exp,
      edges: [0, 1, 0.5, Math.LN2 / 2, 1.5 * Math.LN2, 2 ** -28, 709.782712893384],
      more: [745.1332191019411, 707, 707.7, 708.4, 720, 745, 1e-300, 5e-324, 3e38],
      ranges: [
        ['|x| < 2', () => (rng.random() - 0.5) * 4],
        ['|x| < 750', () => (rng.random() - 0.5) * 1500],
        ['x near −720', () => -700 - rng.random() * 50],
        ['|x| < 1e-7', () => (rng.random() - 0.5) * 1e-7],
      ],
    },
    tanh: {
      expr: E.tanh(E.input(0)),
      reference: Math.tanh,
      edges: [0, 1, 0.5, 22, 2 ** -28, Math.LN2 / 4, 0.75 * Math.LN2, 10 * Math.LN2],
      more: [28 * Math.LN2, 19.4, 38.8, 1e-300, 5e-324, 3e38],
      ranges: [
        ['|x| < 1', () => (rng.random() - 0.5) * 2],
        ['|x| < 6', () => (rng.random() - 0.5) * 12],
        ['|x| < 30', () => (rng.random() - 0.5) * 60],
        ['|x| < 1e-7', () => (rng.random() - 0.5) * 1e-7],
      ],
    },
  } as const;

  for (const [fn, { expr, reference, edges, more, ranges }] of Object.entries(FUNCTIONS)) {
    it(`compute ${fn} as V8's Math.${fn} does, bit for bit, over its range and its edges`, async () => {
      const { map, count } = await counting();
      const probes = [...edges, ...more, Number.NaN, Infinity].flatMap((v) =>
        [v, v * (1 + 2 ** -52), v * (1 - 2 ** -53), v + 1e-12, v - 1e-12].flatMap((w) => [w, -w]),
      );
      for (const [name, draw] of ranges) {
        for (const f64 of [true, false]) {
          const n = 1 << 15;
          const xs = Array.from({ length: n }, (_, i) => (i < probes.length ? probes[i]! : draw()));
          const x = makeArray(f64 ? Float64Array.from(xs) : Float32Array.from(xs), [n]);
          const got = emptyArray([n], f64 ? 'float64' : 'float32');
          const calls = count.calls;
          map(expr, [x], got);
          expect(count.calls).toBeGreaterThan(calls);
          for (let i = 0; i < n; i++) {
            const y = reference(x.data[i]!);
            const want = f64 ? y : Math.fround(y);
            if (!Object.is(got.data[i], want)) {
              throw new Error(
                `${name}: ${fn}(${x.data[i]}) gave ${got.data[i]}, Math.${fn} ${want}`,
              );
            }
          }
        }
      }
    });
  }

  for (const fn of ['exp', 'tanh'] as const) {
    it(`leave ${fn} to the js kernel where the engine's Math.${fn} is not V8's`, async () => {
      const native = Math[fn];
      // an engine whose function rounds some results the other way
      Math[fn] = (x: number) => {
        const y = native(x);
        return x > 0.5 && x < 0.75 ? y * (1 + 2 ** -52) : y;
      };
      try {
        const { map, count } = await counting();
        const n = 8192;
        const x = makeArray(
          Float64Array.from({ length: n }, (_, i) => i / 4096),
          [n],
        );
        const got = emptyArray([n], 'float64');
        const expr = E[fn](E.input(0));
        map(expr, [x], got);
        // the values are the js kernel's (the module's differ between 0.5 and 0.75), and
        // after the probe of the first call no module computes the function
        expect(Array.from(got.data)).toEqual(Array.from(x.data, Math[fn]));
        const probed = count.calls;
        map(expr, [x], got);
        expect(count.calls).toBe(probed);
        map(E.mul(E.input(0), 3), [x], got); // expressions without it still compile
        expect(count.calls).toBeGreaterThan(probed);
      } finally {
        Math[fn] = native;
      }
    });
  }

  it('write an output that is an input, read one view given twice, and leave small ones to js', async () => {
    const { map, count } = await counting();
    const n = 9001;
    const leaky = E.select(E.gt(E.input(0), 0), E.input(0), E.mul(E.input(0), E.param(0)));
    const x = makeArray(values(n), [n]);
    const want = emptyArray([n], 'float32');
    js.map(leaky, [x], want, [0.01]);
    map(leaky, [x], x, [0.01]);
    expect(Array.from(x.data)).toEqual(Array.from(want.data));
    expect(count.calls).toBeGreaterThan(0);
    const square = E.mul(E.input(0), E.input(1));
    const y = makeArray(values64(n), [n]);
    const got = emptyArray([n], 'float64');
    const wantSquare = emptyArray([n], 'float64');
    js.map(square, [y, y], wantSquare);
    let calls = count.calls;
    map(square, [y, y], got);
    expect(Array.from(got.data)).toEqual(Array.from(wantSquare.data));
    expect(count.calls).toBeGreaterThan(calls);
    calls = count.calls;
    const small = makeArray(values(FUSED_MIN_SIZE - 1), [FUSED_MIN_SIZE - 1]);
    map(leaky, [small], emptyArray([FUSED_MIN_SIZE - 1], 'float32'), [0.01]);
    // a column broadcast (not a bias row) and a strided view stay on js
    const column = makeArray(values(100), [100, 1]);
    const wide = makeArray(values(100 * 50), [100, 50]);
    map(square, [wide, column], emptyArray([100, 50], 'float32'));
    const strided = makeArray(values(2 * n), [n], [2]);
    map(square, [strided, strided], emptyArray([n], 'float32'));
    expect(count.calls).toBe(calls);
  });

  it('fall back to the js kernel where the runtime refuses to compile a module', async () => {
    // the backend's own module is large; a generated one is a few hundred bytes
    const { map, count } = await counting((bytes) => bytes.length < 4096);
    const expr = E.div(E.input(0), E.sub(E.input(1), 0.5));
    const n = 10_000;
    const inputs = [makeArray(values(n), [n]), makeArray(values(n), [n])];
    const got = emptyArray([n], 'float32');
    const want = emptyArray([n], 'float32');
    map(expr, inputs, got);
    map(expr, inputs, got); // refused once, not asked again
    js.map(expr, inputs, want);
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
    expect(count).toEqual({ calls: 0, compiled: 0 });
  });
});

describe("the 'wasm' backend's optimizer updates", () => {
  /** A backend whose update exports count their calls. */
  async function counting() {
    const { backend, count } = await countingBackend(['adamStep', 'sgdMomentumStep', 'sgdStep']);
    return { kernels: backend.kernels, count };
  }

  const js = kernelsOf('js');
  const VARIANTS = {
    adam: { kind: 'adam', l2: 0.01, decay: 1, amsgrad: false },
    adamW: { kind: 'adam', l2: 0, decay: 1 - 1e-5, amsgrad: false },
    amsgrad: { kind: 'adam', l2: 0, decay: 1, amsgrad: true },
    sgd: { kind: 'sgd', momentum: 0, weightDecay: 0, nesterov: false, first: false },
    sgdDecay: { kind: 'sgd', momentum: 0, weightDecay: 5e-4, nesterov: false, first: false },
    momentum: { kind: 'sgd', momentum: 0.9, weightDecay: 5e-4, nesterov: false, first: false },
    nesterov: { kind: 'sgd', momentum: 0.9, weightDecay: 5e-4, nesterov: true, first: false },
    firstStep: { kind: 'sgd', momentum: 0.9, weightDecay: 5e-4, nesterov: false, first: true },
  } as const;

  /** Runs one variant's step with `k` on arrays (offset 3 into their buffers). */
  function step(k: Kernels, name: keyof typeof VARIANTS, xs: Dense[], n: number): void {
    const h = VARIANTS[name];
    const [p, g, a, b, c] = xs as [Dense, Dense, Dense, Dense, Dense];
    if (h.kind === 'adam') {
      k.adamStep(p, g, a, b, h.amsgrad ? c : null, n, {
        decay: h.decay,
        l2: h.l2,
        w1: 0.1,
        beta2: 0.999,
        w2: 0.001,
        stepSize: 0.01,
        bc2Sqrt: Math.sqrt(0.001),
        eps: 1e-8,
        amsgrad: h.amsgrad,
      });
    } else {
      k.sgdStep(p, g, h.momentum === 0 ? null : a, n, {
        lr: 0.01,
        weightDecay: h.weightDecay,
        momentum: h.momentum,
        keep: 0.75,
        nesterov: h.nesterov,
        first: h.first,
      });
    }
  }

  it("give the js kernels' bits: Adam, AdamW, amsgrad, SGD, weight decay, momentum, Nesterov, a first step", async () => {
    const { kernels: wasm, count } = await counting();
    for (const f64 of [false, true]) {
      for (const n of [UPDATE_MIN_SIZE, UPDATE_MIN_SIZE + 1, 9001, 20_003]) {
        for (const name of Object.keys(VARIANTS) as (keyof typeof VARIANTS)[]) {
          // p, g, m / buf (any sign), v and vmax (≥ 0), specials mixed in
          const make = (positive: boolean) => {
            const raw = values(n + 3).map((x) => (positive ? Math.abs(x) : x));
            return f64 ? Float64Array.from(raw, (x) => x * (1 + 2 ** -40)) : raw;
          };
          const start = [make(false), make(false), make(false), make(true), make(true)];
          const copy = () =>
            start.map((d) => ({ data: d.slice() as Float32Array | Float64Array, offset: 3 }));
          const got = copy();
          const want = copy();
          const calls = count.calls;
          step(wasm, name, got, n);
          step(js, name, want, n);
          expect(count.calls, `${name}, n = ${n}`).toBeGreaterThan(calls);
          got.forEach((d, i) => {
            expect(Array.from(d.data), `${name}, n = ${n}, array ${i}`).toEqual(
              Array.from(want[i]!.data),
            );
          });
        }
      }
    }
  });

  it('leave small, mixed-dtype and overlapping updates to js', async () => {
    const { kernels: wasm, count } = await counting();
    const n = 5000;
    const f32 = () => ({ data: values(n), offset: 0 });
    step(wasm, 'adam', [f32(), f32(), f32(), f32(), f32()], UPDATE_MIN_SIZE - 1);
    const mixed = { data: Float64Array.from(values(n)), offset: 0 };
    step(wasm, 'adam', [f32(), mixed, f32(), f32(), f32()], n);
    // a state that shares the parameter's buffer
    const shared = values(2 * n);
    const p = { data: shared.subarray(0, n), offset: 0 };
    const buf = { data: shared.subarray(n), offset: 0 };
    step(wasm, 'momentum', [p, f32(), buf, f32(), f32()], n);
    expect(count.calls).toBe(0);
    step(wasm, 'sgd', [f32(), f32(), f32(), f32(), f32()], n);
    expect(count.calls).toBeGreaterThan(0);
  });
});

describe("the 'wasm' backend's column sums", () => {
  const wasm = kernelsOf('wasm');
  const js = kernelsOf('js');
  /** Random values, finite (sums of specials are ±Inf or NaN on both) unless `special`. */
  const matrix = (m: number, n: number, special: boolean) =>
    special ? values(m * n) : Float32Array.from({ length: m * n }, () => (rng.random() - 0.5) * 10);

  it("a float32 matrix summed over its rows gives the js kernel's bits", () => {
    for (const [m, n] of [
      [300, 100],
      [128, 128],
      [41, 101],
      [4096, 1],
      [1, 4096],
      [64, 64],
      [1000, 37],
      [80, 60], // column blocks of 16, then of 4
      [50, 23], // 16, then 4, then single columns
    ] as const) {
      for (const special of [false, true]) {
        const x = makeArray(matrix(m, n, special), [m, n]);
        const a = new Float32Array(n);
        const b = new Float32Array(n);
        wasm.reduce('sum', x, [0], a);
        js.reduce('sum', x, [0], b);
        expect(Array.from(a), `[${m}, ${n}]`).toEqual(Array.from(b));
      }
    }
    // rows 3… of a larger matrix: a view with an offset
    const big = matrix(200, 90, false);
    const rows = makeArray(big, [197, 90], [90, 1], 3 * 90);
    const a = new Float32Array(90);
    const b = new Float32Array(90);
    wasm.reduce('sum', rows, [0], a);
    js.reduce('sum', rows, [0], b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('runs in the module from its threshold on, and leaves other reductions to js', async () => {
    // a runtime whose instances count the module's column-sum calls
    const { backend, count } = await countingBackend(['sumRowsF32']);
    const sum = (m: number, n: number, dims: number[], data = matrix(m, n, false)) => {
      const x = makeArray(data, [m, n]);
      const out = new Float32Array(dims[0] === 0 ? n : m);
      backend.kernels.reduce('sum', x, dims, out);
      return out;
    };
    sum(SUM_ROWS_MIN_SIZE / 64, 64, [0]);
    expect(count.calls).toBe(1);
    sum(SUM_ROWS_MIN_SIZE / 64 - 1, 64, [0]); // below the threshold
    sum(300, 100, [1]); // over the columns
    const t = makeArray(matrix(100, 300, false), [300, 100], [1, 300]); // a transposed view
    backend.kernels.reduce('sum', t, [0], new Float32Array(100));
    backend.kernels.reduce(
      'max',
      makeArray(matrix(300, 100, false), [300, 100]),
      [0],
      new Float32Array(100),
    );
    const f64 = makeArray(Float64Array.from(matrix(300, 100, false)), [300, 100]);
    backend.kernels.reduce('sum', f64, [0], new Float64Array(100));
    expect(count.calls).toBe(1);
  });
});

describe("the 'wasm' backend where WebAssembly compiles only asynchronously", () => {
  // A browser's main thread refuses `new WebAssembly.Module` / `Instance` for modules over
  // 4 KB (Chrome: "WebAssembly.Module is disallowed on the main thread, if the buffer size is
  // larger than 4KB"); this runtime does the same, and compiles asynchronously otherwise.
  const refuseLarge = (bytes: Uint8Array) => {
    if (bytes.byteLength > 4096) {
      throw new RangeError(`WebAssembly.Module(): buffer of ${bytes.byteLength} bytes is over 4KB`);
    }
  };
  const native = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const mainThread: WasmApi = {
    validate: (bytes) => native.validate(bytes),
    Module: class {
      constructor(bytes: Uint8Array<ArrayBuffer>) {
        refuseLarge(bytes);
        // biome-ignore lint/correctness/noConstructorReturn: stands in for the native class
        return new native.Module(bytes);
      }
    },
    Instance: class {
      constructor() {
        throw new RangeError('WebAssembly.Instance is disallowed on the main thread');
      }
    } as unknown as WasmApi['Instance'],
    Memory: native.Memory,
    compile: (bytes) => native.compile(bytes),
    instantiate: (module, imports) => native.instantiate(module, imports),
  };

  /** `backend`'s m×k · k×n product equals the 'wasm' backend's (built at load), bit for bit. */
  function expectSameProduct(backend: WasmBackend, m: number, k: number, n: number): void {
    const operand = (t: Tensor, cols: number) => ({
      data: t.toTypedArray(),
      offset: 0,
      rs: cols,
      cs: 1,
    });
    const a = operand(randn([m, k], { rng }), k);
    const b = operand(randn([k, n], { rng }), n);
    const got = new Float32Array(m * n);
    backend.kernels.gemm(m, n, k, a, b, got, 0);
    const want = new Float32Array(m * n);
    kernelsOf('wasm').gemm(m, n, k, a, b, want, 0);
    expect(Array.from(got)).toEqual(Array.from(want));
  }

  it('is built asynchronously and computes the same bits as the backend built at load', async () => {
    const pending = loadWasmBackend(mainThread);
    expect(pending).toBeInstanceOf(Promise);
    const late = await pending;
    expect(late).not.toBeNull();
    expectSameProduct(late!, 70, 90, 50);
  });

  it('uses no shared memory in a page that is not cross-origin isolated: one thread', async () => {
    const backend = (await loadWasmBackend(mainThread, false))!;
    expect(backend).not.toBeNull();
    expect(await backend.start()).toBe(false);
    expect(backend.threads()).toBe(1);
    // and computes on its own memory
    expectSameProduct(backend, 40, 50, 30);
    // built at once where the runtime compiles synchronously (a Firefox or Safari page
    // without cross-origin isolation has no shared memory either): its own memory grows
    // to hold the control block
    const own = loadWasmBackend(native, false) as WasmBackend;
    expect(own).not.toBeInstanceOf(Promise);
    expectSameProduct(own, 40, 50, 30);
  });

  it('is null where WebAssembly SIMD does not validate', () => {
    expect(loadWasmBackend({ ...mainThread, validate: () => false })).toBeNull();
  });

  it('ready() resolves to the backend ops run on (here at once: Node compiles at load)', async () => {
    expect(await ready()).toBe(getBackend());
    const previous = getBackend();
    setBackend('js');
    try {
      expect(await ready()).toBe('js');
    } finally {
      setBackend(previous);
    }
  });
});
