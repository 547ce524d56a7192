// The fast paths of matmul (register tiles, packed or not) and of sum over dim 0 (four rows
// at a time) add their terms in the same order as the plain loops: each matmul cell over k
// from 0, each column sum over the rows from 0, in float64. So they give the same bits as
// the plain loops, and which kernel a shape takes does not change a result (for matmul, up
// to k = 256: deeper, the packed kernel rounds a float32 result between k-blocks). The
// 'wasm' backend's float32 product sums in float32, also over k in order, in k-blocks of
// equal depth up to 256, each added to the cell: that order is pinned bit for bit too, and
// the 'js' backend sums float32 products with a side under 4 (the case study's) in it.
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
import { SKINNY_DIM } from '../src/backend/js/matmul.js';
import { wasmFeatures } from '../src/backend/registry.js';
import { GEMM_MIN_DIM, GEMM_MIN_WORK } from '../src/backend/wasm/index.js';
import { blockedF32Product } from './reference.js';

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

describe("matmul adds each cell over k in order, in float64 (skinny float32: float32), on 'js'", () => {
  const previous = getBackend();
  beforeAll(() => setBackend('js'));
  afterAll(() => setBackend(previous));
  for (const dtype of ['float32', 'float64'] as const) {
    it(`bit for bit, ${dtype}, plain and transposed operands`, () => {
      for (const [m, n, k] of SHAPES) {
        for (const transposed of [false, true]) {
          const { a, b, av, bv } = operands(m, n, k, transposed, dtype);
          // float32 products with a side under 4 sum in float32, in the 'wasm' backend's order
          const skinny = dtype === 'float32' && Math.min(m, n, k) < SKINNY_DIM;
          const expected = skinny
            ? blockedF32Product(av, bv)
            : av.map((row) =>
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

  it('bit for bit (without relaxed SIMD, whose multiply-add may fuse), or within γ_k·Σ|a||b|', () => {
    // the case study's shapes (on the skinny kernels), a deep one (three k-blocks), a wide one
    // (two column blocks) and one with fringe tiles both ways; skinny ones two and three
    // k-blocks deep, with columns past the last eight and four, and rows past the last four
    const shapes = [
      ...SHAPES,
      [40, 30, 600],
      [20, 1100, 16],
      [30, 13, 70],
      [3, 45, 700],
      [2, 13, 257],
      [90, 1, 513],
      [37, 3, 300],
      [301, 2, 9],
      [9, 301, 3],
    ] as const;
    for (const [m, n, k] of shapes) {
      for (const transposed of [false, true]) {
        const { a, b, av, bv } = operands(m, n, k, transposed, 'float32');
        const got = matmul(a, b).toArray() as number[][];
        const blocked = blockedF32Product(av, bv);
        const gamma = (k * 2 ** -24) / (1 - k * 2 ** -24);
        av.forEach((row, i) => {
          for (let j = 0; j < n; j++) {
            const where = `[${m},${k}] @ [${k},${n}] cell ${i},${j}`;
            const skinny = Math.min(m, n, k) < GEMM_MIN_DIM;
            if (!skinny && m * n * k < GEMM_MIN_WORK) {
              // small products stay on the JavaScript kernel: float64 sums
              let s = 0;
              for (let p = 0; p < k; p++) s += row[p]! * bv[p]![j]!;
              expect(got[i]![j], where).toBe(f(s));
            } else if (skinny || wasmFeatures === 'simd') {
              // skinny ones (on either kernel) never fuse a multiply-add, whatever the module
              expect(got[i]![j], where).toBe(blocked[i]![j]);
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
