// The fast paths of matmul (register tiles, packed or not) and of sum over dim 0 (four rows
// at a time) add their terms in the same order as the plain loops: each matmul cell over k
// from 0, each column sum over the rows from 0, in float64. So they give the same bits as
// the plain loops, and which kernel a shape takes does not change a result (for matmul, up
// to k = 256: deeper, the packed kernel rounds a float32 result between k-blocks).
import { type DType, matmul, Rng, randn, sum, type Tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';

const rng = new Rng(7);
const rand = (shape: readonly number[], dtype: DType): Tensor => randn(shape, { dtype, rng });
/** Math.fround for float32 results, the value itself for float64 ones. */
const round = (dtype: DType) => (dtype === 'float32' ? Math.fround : (v: number) => v);

describe('matmul adds each cell over k in order, in float64', () => {
  // the case study's products (x W1ᵀ, h W2ᵀ and their backward ones), skinny and tiny ones
  const shapes = [
    [300, 100, 2],
    [300, 3, 100],
    [300, 100, 3],
    [100, 3, 300],
    [2, 100, 300],
    [1, 1, 9],
    [3, 5, 1],
    [6, 7, 8],
  ] as const;
  for (const dtype of ['float32', 'float64'] as const) {
    it(`bit for bit, ${dtype}, plain and transposed operands`, () => {
      for (const [m, n, k] of shapes) {
        for (const transposed of [false, true]) {
          const a = transposed ? rand([k, m], dtype).T : rand([m, k], dtype);
          const b = transposed ? rand([n, k], dtype).T : rand([k, n], dtype);
          const [av, bv] = [a.toArray() as number[][], b.toArray() as number[][]];
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
