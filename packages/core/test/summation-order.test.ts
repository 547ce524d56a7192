// The fast paths of matmul (register tiles, packed or not) and of sum over dim 0 (four rows
// at a time) add their terms in the same order as the plain loops: each matmul cell over k
// from 0, each column sum over the rows from 0, in float64. So they give the same bits as
// the plain loops, and which kernel a shape takes does not change a result (for matmul, up
// to k = 256: deeper, the packed kernel rounds a float32 result between k-blocks). The
// 'wasm' backend's float32 product sums in float32, also over k in order, in k-blocks of
// equal depth up to 256, each added to the cell: that order is pinned bit for bit too.
import {
  type DType,
  getBackend,
  matmul,
  Rng,
  randn,
  setBackend,
  sum,
  type Tensor,
} from '@tapegrad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmFeatures } from '../src/backend/registry.js';
import { GEMM_MIN_DIM, GEMM_MIN_WORK } from '../src/backend/wasm/index.js';

const rng = new Rng(7);
const rand = (shape: readonly number[], dtype: DType): Tensor => randn(shape, { dtype, rng });
/** Math.fround for float32 results, the value itself for float64 ones. */
const round = (dtype: DType) => (dtype === 'float32' ? Math.fround : (v: number) => v);

// the case study's products (x W1ᵀ, h W2ᵀ and their backward ones), skinny and tiny ones
const SHAPES = [
  [300, 100, 2],
  [300, 3, 100],
  [300, 100, 3],
  [100, 3, 300],
  [2, 100, 300],
  [1, 1, 9],
  [3, 5, 1],
  [6, 7, 8],
] as const;

/** The operands of one product, plain or both transposed, and their values as arrays. */
function operands(m: number, n: number, k: number, transposed: boolean, dtype: DType) {
  const a = transposed ? rand([k, m], dtype).T : rand([m, k], dtype);
  const b = transposed ? rand([n, k], dtype).T : rand([k, n], dtype);
  return { a, b, av: a.toArray() as number[][], bv: b.toArray() as number[][] };
}

describe("matmul adds each cell over k in order, in float64, on the 'js' backend", () => {
  const previous = getBackend();
  beforeAll(() => setBackend('js'));
  afterAll(() => setBackend(previous));
  for (const dtype of ['float32', 'float64'] as const) {
    it(`bit for bit, ${dtype}, plain and transposed operands`, () => {
      for (const [m, n, k] of SHAPES) {
        for (const transposed of [false, true]) {
          const { a, b, av, bv } = operands(m, n, k, transposed, dtype);
          const expected = av.map((row) =>
            Array.from({ length: n }, (_, j) => {
              let s = 0;
              for (let p = 0; p < k; p++) s += row[p]! * bv[p]![j]!;
              return round(dtype)(s);
            }),
          );
          expect(matmul(a, b).toArray(), `[${m},${k}] @ [${k},${n}]`).toEqual(expected);
        }
      }
    });
  }
});

describe("matmul sums float32 in float32 over k in order, in k-blocks, on the 'wasm' backend", () => {
  const previous = getBackend();
  beforeAll(() => setBackend('wasm'));
  afterAll(() => setBackend(previous));
  const f = Math.fround;
  /** The kernel's order: each block of ≤ 256 from 0 in float32, then added to the cell. */
  function blocked(row: readonly number[], bv: readonly number[][], j: number): number {
    const k = row.length;
    const depth = Math.ceil(k / Math.ceil(k / 256));
    let c = 0;
    for (let p0 = 0; p0 < k; p0 += depth) {
      let s = 0;
      for (let p = p0; p < Math.min(k, p0 + depth); p++) s = f(s + f(row[p]! * bv[p]![j]!));
      c = p0 === 0 ? s : f(c + s);
    }
    return c;
  }

  it('bit for bit (without relaxed SIMD, whose multiply-add may fuse), or within γ_k·Σ|a||b|', () => {
    // the case study's shapes (on the js kernel), a deep one (three k-blocks), a wide one (two
    // column blocks) and one with fringe tiles both ways
    const shapes = [...SHAPES, [40, 30, 600], [20, 1100, 16], [30, 13, 70]] as const;
    for (const [m, n, k] of shapes) {
      for (const transposed of [false, true]) {
        const { a, b, av, bv } = operands(m, n, k, transposed, 'float32');
        const got = matmul(a, b).toArray() as number[][];
        const gamma = (k * 2 ** -24) / (1 - k * 2 ** -24);
        av.forEach((row, i) => {
          for (let j = 0; j < n; j++) {
            const where = `[${m},${k}] @ [${k},${n}] cell ${i},${j}`;
            if (m * n * k < GEMM_MIN_WORK || Math.min(m, n, k) < GEMM_MIN_DIM) {
              // small and skinny products stay on the JavaScript kernel: float64 sums
              let s = 0;
              for (let p = 0; p < k; p++) s += row[p]! * bv[p]![j]!;
              expect(got[i]![j], where).toBe(f(s));
            } else if (wasmFeatures === 'simd') {
              expect(got[i]![j], where).toBe(blocked(row, bv, j));
            } else {
              let exact = 0;
              let mag = 0;
              for (let p = 0; p < k; p++) {
                exact += row[p]! * bv[p]![j]!;
                mag += Math.abs(row[p]! * bv[p]![j]!);
              }
              expect(Math.abs(got[i]![j]! - exact), where).toBeLessThanOrEqual(gamma * mag);
            }
          }
        });
      }
    }
  });
});

describe('sum over dim 0 of a matrix adds the rows in order, in float64', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`bit for bit, ${dtype}, any row count and layout`, () => {
      for (const [m, n] of [
        [300, 100],
        [13, 5],
        [4, 1],
        [3, 2],
        [1, 3],
      ] as const) {
        for (const transposed of [false, true]) {
          const x = transposed ? rand([n, m], dtype).T : rand([m, n], dtype);
          const rows = x.toArray() as number[][];
          const expected = Array.from({ length: n }, (_, j) => {
            let s = 0;
            for (let i = 0; i < m; i++) s += rows[i]![j]!;
            return round(dtype)(s);
          });
          expect(sum(x, 0).toArray(), `[${m},${n}]`).toEqual(expected);
        }
      }
    });
  }
});
