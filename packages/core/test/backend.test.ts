// The kernel layer: elementwise expressions compile to code that computes what their
// reference semantics say, the registry chooses backends, and every op of a training step
// runs through the current backend's kernels.
import {
  add,
  backendFeatures,
  gather,
  getBackend,
  grad,
  listBackends,
  logSoftmax,
  matmul,
  noGrad,
  Rng,
  randn,
  relu,
  setBackend,
  type Tensor,
  tensor,
  ValueError,
} from '@tapegrad/core';
import {
  E,
  type Kernels,
  kernels,
  kernelsOf,
  makeArray,
  registerBackend,
  sgdStep_,
} from '@tapegrad/core/op-kit';
import { scaledRuns } from '@tapegrad/core/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { COMPILED_CACHE_MAX, remember } from '../src/backend/compiled-cache.js';
import { cachedExpressionCount } from '../src/backend/js/elementwise.js';
import { defaultBackend, wasmFeatures } from '../src/backend/registry.js';
import { RELAXED_SIMD } from '../src/backend/wasm/binary.generated.js';
import { exprArb, valueArb } from './expr-arbitraries.js';

describe('elementwise expressions', () => {
  it('compile to kernels that compute what evaluate() says, bit for bit, in both dtypes', () => {
    fc.assert(
      fc.property(
        exprArb,
        fc.array(fc.tuple(valueArb, valueArb, valueArb), { minLength: 1, maxLength: 6 }),
        fc.tuple(valueArb, valueArb),
        (expr, rows, params) => {
          for (const dtype of ['float64', 'float32'] as const) {
            const round = dtype === 'float64' ? (v: number) => v : Math.fround;
            const Arr = dtype === 'float64' ? Float64Array : Float32Array;
            const cols = [0, 1, 2].map((j) => {
              const c = new Arr(rows.length);
              rows.forEach((r, i) => {
                c[i] = r[j]!;
              });
              return c;
            });
            const out = new Arr(rows.length);
            kernels().map(
              expr,
              cols.map((c) => makeArray(c, [c.length])),
              makeArray(out, [out.length]),
              params,
            );
            rows.forEach((_, i) => {
              const xs = cols.map((c) => c[i]!);
              const want = round(E.evaluate(expr, xs, params));
              expect(Object.is(out[i], want), `${E.exprKey(expr)} at ${xs} (${dtype})`).toBe(true);
            });
          }
        },
      ),
      { numRuns: scaledRuns(300) },
    );
  });

  it('give the same key for the same tree, and compile once for both', () => {
    const a = E.add(E.input(0), E.mul(E.param(0), E.input(1)));
    const b = E.add(E.input(0), E.mul(E.param(0), E.input(1)));
    expect(a).not.toBe(b);
    expect(E.exprKey(a)).toBe(E.exprKey(b));
    expect(E.exprKey(E.constant(-0))).not.toBe(E.exprKey(E.constant(0)));
    expect(E.arityOf(a)).toEqual({ inputs: 2, params: 1 });
  });

  it('write through a strided, broadcast-fed output view, and may overwrite an input', () => {
    // out is the transpose of a 2×3 buffer: element (i, j) of out is buf[j * 2 + i]
    const buf = new Float64Array(6);
    const out = makeArray(buf, [2, 3], [1, 2], 0);
    const row = makeArray(new Float64Array([10, 20, 30]), [3]);
    const col = makeArray(new Float64Array([1, 2]), [2, 1]);
    kernels().map(E.add(E.input(0), E.input(1)), [row, col], out);
    expect([...buf]).toEqual([11, 12, 21, 22, 31, 32]);
    kernels().map(E.mul(E.input(0), 2), [out], out);
    expect([...buf]).toEqual([22, 24, 42, 44, 62, 64]);
  });

  it('keep a bounded number of compiled kernels: a constant new on every call does not grow the cache', () => {
    const x = makeArray(new Float64Array([1, 2, 3]), [3]);
    const out = makeArray(new Float64Array(3), [3]);
    for (let i = 0; i < COMPILED_CACHE_MAX + 100; i++) {
      kernelsOf('js').map(E.mul(E.input(0), E.constant(i + 0.5)), [x], out);
      expect(out.data[2]).toBe(3 * (i + 0.5));
    }
    expect(cachedExpressionCount()).toBeLessThanOrEqual(COMPILED_CACHE_MAX);
    expect(cachedExpressionCount()).toBeGreaterThan(COMPILED_CACHE_MAX / 2);
  });

  it('drop the oldest compiled kernel first', () => {
    const cache = new Map<string, number>();
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) remember(cache, k, i, 3);
    expect([...cache]).toEqual([
      ['b', 1],
      ['c', 2],
      ['d', 3],
    ]);
    expect(remember(cache, 'e', 4, 2)).toBe(4);
    expect([...cache.keys()]).toEqual(['d', 'e']);
  });
});

/** Expressions of one input, for the reductions' fused pre-map. */
const unaryExprArb = exprArb.map((e) => onlyInput0(e));

function onlyInput0(e: E.Expr): E.Expr {
  switch (e.kind) {
    case 'input':
      return E.input(0);
    case 'param':
      return E.constant(0.5);
    case 'const':
      return e;
    case 'unary':
      return { ...e, x: onlyInput0(e.x) };
    case 'binary':
      return { ...e, a: onlyInput0(e.a), b: onlyInput0(e.b) };
    case 'select':
      return {
        ...e,
        cond: onlyInput0(e.cond),
        ifTrue: onlyInput0(e.ifTrue),
        ifFalse: onlyInput0(e.ifFalse),
      };
  }
}

describe('reductions', () => {
  it('fold pre(x) over any dims: sum (to rounding), max and any (exactly)', () => {
    const caseArb = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 })
      .chain((shape) =>
        fc.record({
          shape: fc.constant(shape),
          dims: fc.subarray(shape.map((_, i) => i)),
          values: fc.array(valueArb, {
            minLength: shape.reduce((a, b) => a * b, 1),
            maxLength: shape.reduce((a, b) => a * b, 1),
          }),
          pre: fc.oneof(fc.constant(E.input(0)), unaryExprArb),
          kind: fc.constantFrom('sum' as const, 'max' as const, 'any' as const),
        }),
      );
    fc.assert(
      fc.property(caseArb, ({ shape, dims, values, pre, kind }) => {
        const kept = shape.map((d, i) => (dims.includes(i) ? 1 : d));
        const outSize = kept.reduce((a, b) => a * b, 1);
        const want = new Float64Array(outSize).fill(kind === 'max' ? Number.NEGATIVE_INFINITY : 0);
        values.forEach((v, k) => {
          // k's multi-index, and its output position with the reduced dims at 0
          let rest = k;
          let o = 0;
          let scale = 1;
          for (let d = shape.length - 1; d >= 0; d--) {
            const i = rest % shape[d]!;
            rest = Math.floor(rest / shape[d]!);
            if (!dims.includes(d)) o += i * scale;
            scale *= kept[d]!;
          }
          const y = E.evaluate(pre, [v]);
          if (kind === 'sum') want[o]! += y;
          else if (kind === 'max') want[o] = y > want[o]! || Number.isNaN(y) ? y : want[o]!;
          else if (y !== 0) want[o] = 1;
        });
        const out = new Float64Array(outSize);
        kernels().reduce(kind, makeArray(Float64Array.from(values), shape), dims, out, pre);
        // Each order of summing n terms is within (n - 1)·u·Σ|t| of the exact sum (u = 2⁻⁵³),
        // so two orders are within twice that.
        const terms = values.map((v) => Math.abs(E.evaluate(pre, [v]))).filter(Number.isFinite);
        const slack = 2 * values.length * 2 ** -53 * terms.reduce((a, b) => a + b, 0);
        want.forEach((w, o) => {
          const g = out[o]!;
          const ok =
            Object.is(g, w) ||
            (Number.isNaN(g) && Number.isNaN(w)) ||
            (kind === 'sum' && Number.isFinite(w) && Math.abs(g - w) <= slack);
          expect(ok, `${kind} of ${E.exprKey(pre)} over ${dims} of ${shape}: ${g} vs ${w}`).toBe(
            true,
          );
        });
      }),
      { numRuns: scaledRuns(300) },
    );
  });
});

describe('the fused softmax cross-entropy kernels', () => {
  it("backward reuses the forward's softmax: the same bits as computing it again", () => {
    const rng = new Rng(9);
    for (const backend of listBackends()) {
      const k = kernelsOf(backend);
      for (const dt of ['float32', 'float64'] as const) {
        for (const [n, c] of [
          [1, 1],
          [7, 3],
          [300, 3],
          [5, 40],
        ] as const) {
          const z = randn([n, c], { rng, dtype: dt }).mul(4);
          const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % c);
          const losses = new Float64Array(n);
          const probs = new Float64Array(n * c);
          k.softmaxCrossEntropy(z.data, labels, losses, probs);
          const plain = new Float64Array(n);
          k.softmaxCrossEntropy(z.data, labels, plain);
          expect(losses).toEqual(plain);
          for (const scale of [tensor([0.25], { dtype: dt }), randn([n, 1], { rng, dtype: dt })]) {
            const again = z.data.data.slice(0);
            const kept = again.slice(0);
            k.softmaxCrossEntropyBackward(z.data, labels, scale.data, again);
            k.softmaxCrossEntropyBackward(z.data, labels, scale.data, kept, probs);
            expect(kept).toEqual(again);
          }
        }
      }
    }
  });
});

describe('the backend registry', () => {
  const original = getBackend();
  afterEach(() => setBackend(original));

  it("has 'js' everywhere and 'wasm' where WebAssembly SIMD runs (Node 20 does), the default", () => {
    expect(listBackends()).toEqual(['js', 'wasm']);
    expect(wasmFeatures === 'simd' || wasmFeatures === 'relaxed-simd').toBe(true);
    expect(defaultBackend).toBe('wasm');
    // the module built with relaxed SIMD wherever it validates (in Node 20 under
    // --experimental-wasm-relaxed-simd: the 'wasm-relaxed-simd' test project); none on 'js'
    const wa = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } })
      .WebAssembly;
    const relaxed = wa.validate(Uint8Array.from(Buffer.from(RELAXED_SIMD, 'base64')));
    expect(wasmFeatures).toBe(relaxed ? 'relaxed-simd' : 'simd');
    expect(backendFeatures('wasm')).toEqual(relaxed ? ['simd', 'relaxed-simd'] : ['simd']);
    expect(backendFeatures('js')).toEqual([]);
    expect(backendFeatures()).toEqual(backendFeatures(getBackend()));
    expect(() => backendFeatures('webgpu')).toThrow(
      /backendFeatures: unknown backend "webgpu"; the backends here are 'js', 'wasm'/,
    );
    // the suite's setup chose the backend of its project (TAPEGRAD_BACKEND)
    expect(getBackend()).toBe(process.env.TAPEGRAD_BACKEND ?? 'wasm');
  });

  it('refuses an unknown backend, naming the ones there are', () => {
    expect(() => setBackend('cuda')).toThrow(ValueError);
    expect(() => setBackend('cuda')).toThrow(
      /setBackend: unknown backend "cuda"; the backends here are 'js', 'wasm'/,
    );
    expect(getBackend()).toBe(original);
  });

  it('does not let the built-in backends be replaced', () => {
    expect(() => registerBackend('js', kernelsOf('js'))).toThrow(
      /registerBackend: the 'js' backend is built in and cannot be replaced/,
    );
    expect(() => registerBackend('wasm', kernelsOf('js'))).toThrow(
      /registerBackend: the 'wasm' backend is built in and cannot be replaced/,
    );
  });

  it('runs every op of a training step through the current backend', () => {
    const calls = new Map<string, number>();
    const js = kernelsOf('js');
    // every kernel of 'js', counted
    const counting = Object.fromEntries(
      (Object.keys(js) as (keyof Kernels)[]).map((name) => [
        name,
        (...args: unknown[]) => {
          calls.set(name, (calls.get(name) ?? 0) + 1);
          return (js[name] as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    ) as unknown as Kernels;
    registerBackend('counting', counting);
    expect(listBackends()).toEqual(['js', 'wasm', 'counting']);
    setBackend('js');

    const step = (): number[] => {
      const rng = new Rng(3);
      const x = randn([8, 4], { rng });
      const w = randn([4, 3], { rng, requiresGrad: true });
      const b = randn([3], { rng, requiresGrad: true });
      const logits = relu(add(matmul(x, w), b));
      const loss = gather(
        logSoftmax(logits, 1),
        1,
        tensor([[0], [1], [2], [0], [1], [2], [0], [1]]),
      )
        .mean()
        .neg();
      const [gw] = grad(loss, [w], { retainGraph: true });
      loss.backward();
      noGrad(() =>
        sgdStep_(w, gw as Tensor, null, {
          lr: 0.1,
          weightDecay: 0,
          momentum: 0,
          keep: 1,
          nesterov: false,
          first: false,
        }),
      );
      return [loss.item(), ...w.toTypedArray(), ...(b.grad as Tensor).toTypedArray()];
    };
    const onJs = step();
    setBackend('counting');
    expect(getBackend()).toBe('counting');
    const onCounting = step();
    expect(onCounting).toEqual(onJs);
    for (const kernel of ['map', 'reduce', 'gemm', 'gather', 'scatterAdd', 'sgdStep']) {
      expect(calls.get(kernel) ?? 0, kernel).toBeGreaterThan(0);
    }
  });
});
