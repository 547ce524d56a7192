// The 'wasm' backend's product as the ops use it: operands that are views (offsets,
// transposes, slices), its scratch memory growing and being reused, and the cases it hands
// to the JavaScript kernel (float64 or mixed dtypes, small products, scattered operands).
import {
  getBackend,
  matmul,
  Rng,
  randn,
  setBackend,
  slice,
  type Tensor,
  zeros,
} from '@tapegrad/core';
import { kernelsOf } from '@tapegrad/core/op-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GEMM_MIN_WORK } from '../src/backend/wasm/index.js';

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

  it('hands float64, mixed dtypes, small products and scattered operands to the js kernel', () => {
    const cases: [Tensor, Tensor][] = [
      [randn([40, 50], { rng, dtype: 'float64' }), randn([50, 30], { rng, dtype: 'float64' })],
      [randn([40, 50], { rng }), randn([50, 30], { rng, dtype: 'float64' })],
      [randn([10, 10], { rng }), randn([10, 10], { rng })],
      // a dimension under 4 (the case study's 2 inputs, 3 classes)
      [randn([300, 2], { rng }), randn([2, 100], { rng })],
      [randn([300, 100], { rng }), randn([100, 3], { rng })],
      // 40 of every 1000 columns: copying the span in would move 25× the operand
      [slice(randn([60, 1000], { rng }), 1, 0, 40), randn([40, 40], { rng })],
    ];
    expect(10 * 10 * 10).toBeLessThan(GEMM_MIN_WORK);
    for (const [a, b] of cases) {
      expect(bits(matmul(a, b))).toEqual(onJs(() => bits(matmul(a, b))));
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
