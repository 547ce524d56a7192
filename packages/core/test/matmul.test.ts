// matmul against a naive float64 triple loop: tile fringes, k = 0 and empty dims, transposed,
// sliced and strided operands, broadcast batches, 1-D operands, every dtype combination,
// and the gradients dA = dy·Bᵀ, dB = Aᵀ·dy.

import {
  type DType,
  fromNdarray,
  getBackend,
  grad,
  linear,
  matmul,
  Rng,
  randn,
  ShapeError,
  slice,
  type Tensor,
  tensor,
  transpose,
} from '@tapegrad/core';
import { traceOps } from '@tapegrad/core/op-kit';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';

/** A tensor's logical values in row-major order, read through its strides. */
function values(t: Tensor): Float64Array {
  const out = new Float64Array(t.size);
  const shape = t.shape;
  const idx = new Array<number>(shape.length).fill(0);
  for (let pos = 0; pos < out.length; pos++) {
    out[pos] = t.data.get(...idx);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

interface Dense {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** NumPy matmul of ≥2-D operands in float64: batch dims broadcast, three plain loops. */
function naiveMatmul(a: Dense, b: Dense): Dense {
  const m = a.shape.at(-2)!;
  const k = a.shape.at(-1)!;
  const n = b.shape.at(-1)!;
  const ba = a.shape.slice(0, -2);
  const bb = b.shape.slice(0, -2);
  const nd = Math.max(ba.length, bb.length);
  const batch = Array.from({ length: nd }, (_, i) => {
    const x = ba[ba.length - nd + i] ?? 1;
    return x === 1 ? (bb[bb.length - nd + i] ?? 1) : x; // a size-1 dim takes the other's (even 0)
  });
  const nb = batch.reduce((x, y) => x * y, 1);
  const out = new Float64Array(nb * m * n);
  /** The flat batch index into x's own batch dims for output batch index `i`. */
  const batchIndex = (xb: readonly number[], i: number): number => {
    let flat = 0;
    let scale = 1;
    for (let d = nd - 1, rest = i; d >= 0; d--) {
      const j = rest % batch[d]!;
      rest = Math.floor(rest / batch[d]!);
      const xd = d - (nd - xb.length);
      if (xd >= 0) {
        if (xb[xd] !== 1) flat += j * scale;
        scale *= xb[xd]!;
      }
    }
    return flat;
  };
  for (let t = 0; t < nb; t++) {
    const ao = batchIndex(ba, t) * m * k;
    const bo = batchIndex(bb, t) * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a.data[ao + i * k + p]! * b.data[bo + p * n + j]!;
        out[t * m * n + i * n + j] = s;
      }
    }
  }
  return { shape: [...batch, m, n], data: out };
}

/** Σ|a|·|b| per output element: the scale of the rounding error a float32 result may have. */
function magnitudes(a: Dense, b: Dense): Dense {
  return naiveMatmul({ ...a, data: a.data.map(Math.abs) }, { ...b, data: b.data.map(Math.abs) });
}

const dense = (t: Tensor): Dense => ({ shape: t.shape, data: values(t) });

/** Check matmul(a, b) against the naive product of the same (stored) values. */
function expectMatmul(a: Tensor, b: Tensor): Tensor {
  const y = matmul(a, b);
  const ref = naiveMatmul(dense(a), dense(b));
  expect(y.shape).toEqual(ref.shape);
  expect(y.dtype).toBe(a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : 'float32');
  const got = values(y);
  const mag = magnitudes(dense(a), dense(b)).data;
  const eps = y.dtype === 'float32' ? 2e-7 : 1e-15;
  // The 'wasm' backend sums float32 products in float32 (SIMD lanes, as BLAS does): k
  // roundings per cell, bounded by γ_k·Σ|a||b| with γ_k = k·u/(1 − k·u), u = 2⁻²⁴ (Higham,
  // Accuracy and Stability, §3.1). The 'js' kernels sum in float64 and round once.
  const k = a.shape.at(-1)!;
  const u = 2 ** -24;
  const f32Sums = getBackend() === 'wasm' && a.dtype === 'float32' && b.dtype === 'float32';
  const gamma = f32Sums ? (k * u) / (1 - k * u) : 0;
  for (let i = 0; i < got.length; i++) {
    const tol = eps * (4 + mag[i]!) + gamma * mag[i]!;
    if (!(Math.abs(got[i]! - ref.data[i]!) <= tol)) {
      throw new Error(
        `matmul ${JSON.stringify(a.shape)} @ ${JSON.stringify(b.shape)} (${a.dtype}, ${b.dtype}): ` +
          `element ${i} is ${got[i]}, expected ${ref.data[i]} (tolerance ${tol})`,
      );
    }
  }
  return y;
}

const rng = new Rng(1234);
const rand = (shape: readonly number[], dtype: DType = 'float32'): Tensor =>
  randn(shape, { dtype, rng });

/** A k×n operand in the given layout: 'N' stored as [k, n], 'T' as the transpose of [n, k]. */
function operand(rows: number, cols: number, layout: 'N' | 'T', dtype: DType): Tensor {
  return layout === 'N' ? rand([rows, cols], dtype) : rand([cols, rows], dtype).T;
}

// sizes around the 4×4 register tile, the 64-row and 1024-column blocks, and the k-block of
// 256 (k = 257 splits into 129 + 128, k = 600 into three blocks)
const SHAPES: readonly (readonly [number, number, number])[] = [
  [1, 1, 1],
  [1, 7, 5],
  [7, 1, 5],
  [3, 3, 3],
  [4, 4, 4],
  [5, 6, 7],
  [8, 8, 8],
  [9, 13, 11],
  [17, 33, 9],
  [31, 29, 37],
  [64, 64, 64],
  [65, 67, 3],
  [70, 9, 257],
  [6, 10, 600],
  [5, 1030, 3],
  [130, 12, 20],
  // the wasm kernel's 4×8 tile, 64-row and 1024-column blocks, above its size threshold
  [9, 8, 300],
  [67, 1033, 20],
  [129, 17, 513],
];
const LAYOUTS = ['NN', 'NT', 'TN', 'TT'] as const;
const DTYPE_PAIRS: readonly (readonly [DType, DType])[] = [
  ['float32', 'float32'],
  ['float64', 'float64'],
  ['float32', 'float64'],
  ['float64', 'float32'],
];

describe('matmul: 2-D products equal the naive float64 reference', () => {
  for (const [da, db] of DTYPE_PAIRS) {
    it(`every shape and layout, ${da} @ ${db}`, () => {
      for (const [m, n, k] of SHAPES) {
        for (const layout of LAYOUTS) {
          const a = operand(m, k, layout[0] as 'N' | 'T', da);
          const b = operand(k, n, layout[1] as 'N' | 'T', db);
          expectMatmul(a, b);
        }
      }
    });
  }

  it('random shapes, layouts and dtypes', () => {
    for (let trial = 0; trial < 60; trial++) {
      const dim = () => 1 + Math.floor(rng.random() * 40);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.random() * xs.length)]!;
      const [m, n, k] = [dim(), dim(), dim()];
      const layout = pick(LAYOUTS);
      const [da, db] = pick(DTYPE_PAIRS);
      expectMatmul(
        operand(m, k, layout[0] as 'N' | 'T', da),
        operand(k, n, layout[1] as 'N' | 'T', db),
      );
    }
  });

  it('a linear layer x @ W.T and its weight gradient dy.T @ x at larger sizes', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const x = rand([100, 300], dtype);
      const w = rand([150, 300], dtype);
      const dy = rand([100, 150], dtype);
      expectMatmul(x, w.T);
      expectMatmul(dy.T, x);
      expectMatmul(dy, w);
    }
  });

  it('k = 0 gives zeros; an empty m or n gives an empty result', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const y = expectMatmul(rand([3, 0], dtype), rand([0, 5], dtype));
      expect(y.shape).toEqual([3, 5]);
      expect(Array.from(values(y))).toEqual(new Array(15).fill(0));
      // large enough for the packed path if k were not 0
      expect(Array.from(values(matmul(rand([40, 0]), rand([0, 40]))))).toEqual(
        new Array(1600).fill(0),
      );
      expect(expectMatmul(rand([0, 4], dtype), rand([4, 5], dtype)).shape).toEqual([0, 5]);
      expect(expectMatmul(rand([3, 4], dtype), rand([4, 0], dtype)).shape).toEqual([3, 0]);
      expect(expectMatmul(rand([0, 0], dtype), rand([0, 0], dtype)).shape).toEqual([0, 0]);
      expect(expectMatmul(rand([2, 0, 4], dtype), rand([4, 3], dtype)).shape).toEqual([2, 0, 3]);
      expect(expectMatmul(rand([0, 3, 4], dtype), rand([4, 3], dtype)).shape).toEqual([0, 3, 3]);
    }
  });

  it('1×1 operands and the identity', () => {
    expect(matmul(tensor([[3]]), tensor([[-2]])).toArray()).toEqual([[-6]]);
    const eye = tensor(
      Array.from({ length: 9 }, (_, i) => Array.from({ length: 9 }, (_, j) => (i === j ? 1 : 0))),
      { dtype: 'float64' },
    );
    const x = rand([9, 9], 'float64');
    expect(values(matmul(eye, x))).toEqual(values(x));
    expect(values(matmul(x, eye))).toEqual(values(x));
  });

  it('exact small products', () => {
    const a = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = tensor([
      [7, 8],
      [9, 10],
      [11, 12],
    ]);
    expect(matmul(a, b).toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
    expect(matmul(b.T, a.T).toArray()).toEqual([
      [58, 139],
      [64, 154],
    ]);
  });

  it('0 · Inf is NaN and NaN propagates, as in IEEE arithmetic (no zero skipping)', () => {
    for (const size of [3, 12]) {
      const a = rand([size, size], 'float64');
      const b = rand([size, size], 'float64');
      a.data.set(0, 0, 0);
      b.data.set(0, 1, Number.POSITIVE_INFINITY);
      b.data.set(1, 2, Number.NaN);
      const y = matmul(a, b);
      expect(y.data.get(0, 1)).toBeNaN(); // 0 · Inf
      for (let i = 0; i < size; i++) expect(y.data.get(i, 2)).toBeNaN();
      expect(Number.isFinite(y.data.get(0, 0))).toBe(true);
    }
  });
});

describe('matmul: strided operands', () => {
  it('sliced rows and columns (offsets, row strides wider than the row)', () => {
    for (const [da, db] of DTYPE_PAIRS) {
      const a = slice(slice(rand([40, 50], da), 0, 3, 38), 1, 5, 44); // [35, 39]
      const b = slice(slice(rand([45, 30], db), 0, 2, 41), 1, 1, 28); // [39, 27]
      expectMatmul(a, b);
      expectMatmul(b.T, a.T);
      expectMatmul(slice(a, 0, 1, 2), b); // one row from the middle of a buffer
    }
  });

  it('transpose of 3-D tensors and explicit dims', () => {
    const a = rand([5, 6, 7]);
    const b = rand([7, 6, 3], 'float64');
    expectMatmul(transpose(a, 0, 1), transpose(b, 0, 1)); // [6,5,7] @ [6,7,3]
    expectMatmul(transpose(rand([3, 9, 12])), rand([3, 9, 4])); // batched Aᵀ·B
  });

  it('zero strides (a broadcast view) and negative strides (a flipped view)', () => {
    const row = new Float64Array([1, 2, 3, 4, 5, 6]);
    const repeated = fromNdarray(ndarray(row, [10, 6], [0, 1])); // 10 copies of one row
    expectMatmul(repeated, rand([6, 9], 'float64'));
    const buf = rand([12, 10], 'float64');
    const flipped = fromNdarray(ndarray(buf.data.data, [12, 10], [-10, -1], 119));
    expectMatmul(flipped, rand([10, 11]));
    expectMatmul(rand([7, 12]), flipped);
  });
});

describe('matmul: batches and 1-D operands', () => {
  it('batched products with broadcast batch dims', () => {
    const cases: readonly (readonly [number[], number[]])[] = [
      [
        [3, 4, 5],
        [3, 5, 6],
      ],
      [
        [2, 1, 4, 5],
        [3, 5, 6],
      ],
      [
        [4, 5],
        [2, 3, 5, 6],
      ],
      [
        [2, 3, 9, 10],
        [10, 7],
      ],
      [
        [1, 3, 9, 10],
        [2, 1, 10, 7],
      ],
      [
        [5, 1, 1],
        [5, 1, 8],
      ],
      [
        [2, 2, 70, 20],
        [1, 20, 30],
      ],
    ];
    for (const [da, db] of DTYPE_PAIRS) {
      for (const [sa, sb] of cases) expectMatmul(rand(sa, da), rand(sb, db));
    }
  });

  it('a stack of rows times one matrix, contiguous or not', () => {
    expectMatmul(rand([4, 6, 10]), rand([9, 10]).T); // folds into one [24, 10] product
    expectMatmul(slice(rand([4, 8, 10]), 1, 2, 8), rand([10, 9])); // batch stride ≠ 6 rows
    expectMatmul(slice(rand([6, 8, 10]), 0, 1, 5), rand([10, 9])); // sliced batch: folds
    expectMatmul(transpose(rand([6, 4, 10]), 0, 1), rand([10, 9])); // [6,4] swapped: no fold
    expectMatmul(transpose(rand([4, 10, 6])), rand([10, 9])); // transposed rows
  });

  it('1-D operands: vector @ matrix, matrix @ vector, vector @ vector', () => {
    for (const [da, db] of DTYPE_PAIRS) {
      const v = rand([7], da);
      const m = rand([7, 5], db);
      const vm = matmul(v, m);
      expect(vm.shape).toEqual([5]);
      expect(values(vm)).toEqual(values(expectMatmul(v.reshape([1, 7]), m)));
      const w = rand([5], db);
      const mv = matmul(m, w);
      expect(mv.shape).toEqual([7]);
      expect(values(mv)).toEqual(values(expectMatmul(m, w.reshape([5, 1]))));
      const u = rand([7], db);
      const dot = matmul(v, u);
      expect(dot.shape).toEqual([]);
      expect(dot.item()).toBeCloseTo(
        Array.from(values(v)).reduce((s, x, i) => s + x * values(u)[i]!, 0),
        5,
      );
      const batched = matmul(rand([3, 4, 7], da), v);
      expect(batched.shape).toEqual([3, 4]);
    }
  });
});

describe('matmul: gradients', () => {
  it('dA = dy·Bᵀ and dB = Aᵀ·dy, through transposed and broadcast operands', () => {
    const cases: readonly (readonly [number[], number[], boolean])[] = [
      [[6, 5], [5, 7], false],
      [[9, 20], [11, 20], true], // x @ W.T
      [[3, 4, 5], [5, 6], false], // W broadcast over the batch: its gradient sums
      [[2, 1, 4, 5], [3, 5, 2], false],
    ];
    for (const [sa, sb, bTransposed] of cases) {
      const a = randn(sa, { dtype: 'float64', rng, requiresGrad: true });
      const w = randn(sb, { dtype: 'float64', rng, requiresGrad: true });
      const b = bTransposed ? w.T : w;
      const y = matmul(a, b);
      const dy = rand(y.shape, 'float64');
      y.mul(dy).sum().backward();
      // reference: dy·Bᵀ and Aᵀ·dy per batch, summed over the broadcast batch dims
      const bd = dense(b);
      const ad = dense(a);
      const swap = (x: Dense): Dense => dense(transpose(tensor(x.data, { shape: x.shape })));
      const dA = naiveMatmul(dense(dy), swap(bd));
      const dB = naiveMatmul(swap(ad), dense(dy));
      const sumTo = (g: Dense, shape: readonly number[]): Float64Array => {
        const total = shape.reduce((x, z) => x * z, 1);
        const out = new Float64Array(total);
        const gs = g.shape;
        const idx = new Array<number>(gs.length).fill(0);
        for (let pos = 0; pos < g.data.length; pos++) {
          let flat = 0;
          for (let d = 0, off = gs.length - shape.length; d < shape.length; d++) {
            flat = flat * shape[d]! + (shape[d] === 1 ? 0 : idx[d + off]!);
          }
          out[flat]! += g.data[pos]!;
          for (let d = gs.length - 1; d >= 0; d--) {
            if (++idx[d]! < gs[d]!) break;
            idx[d] = 0;
          }
        }
        return out;
      };
      const gradA = values(a.grad!);
      const refA = sumTo(dA, a.shape);
      for (let i = 0; i < refA.length; i++) expect(gradA[i]).toBeCloseTo(refA[i]!, 10);
      // w.grad is the gradient of b = w or w.T, so compare against b's layout
      const gradB = values(bTransposed ? w.grad!.T : w.grad!);
      const refB = sumTo(dB, b.shape);
      for (let i = 0; i < refB.length; i++) expect(gradB[i]).toBeCloseTo(refB[i]!, 10);
    }
  });

  it("x @ W.T: W's gradient is dyᵀ·x computed row-major (no transposing copy), same bits", () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const xShape of [
        [40, 30],
        [3, 40, 30],
      ] as const) {
        const x = rand([...xShape], dtype);
        const w = rand([20, 30], dtype).requiresGrad_();
        const dy = rand([...xShape.slice(0, -1), 20], dtype);
        matmul(x, w.T).backward(dy);
        const rows = x.size / 30;
        const want = matmul(dy.reshape([rows, 20]).T, x.reshape([rows, 30]));
        expect(Array.from(values(w.grad!))).toEqual(Array.from(values(want)));
        // the gradient of the view W.T has the view's (column-major) layout
        const wt = w.T;
        const [gwt] = grad(matmul(x, wt), [wt], { gradOutput: dy });
        expect(gwt!.data.stride).toEqual([1, 30]);
      }
    }
  });

  it('backward computes its products directly with the bits and layouts of the recorded ops', () => {
    // Under traceOps (and createGraph) the rules run matmul and transpose as ops; otherwise
    // the products are computed at once: the same kernel calls, so the same bits.
    for (const dtype of ['float32', 'float64'] as const) {
      for (const [sa, sb, form] of [
        [[7, 9], [9, 5], 'a@b'],
        [[7, 9], [5, 9], 'a@b.T'],
        [[9, 7], [9, 5], 'a.T@b'],
        [[6, 9], [5, 9], 'linear'],
        [[2, 6, 9], [5, 9], 'linear'],
      ] as const) {
        const values0 = [rand([...sa], dtype), rand([...sb], dtype), rand([sb[0]], dtype)];
        const run = (traced: boolean) => {
          const [a, w, bias] = values0.map((v) => v.clone().requiresGrad_()) as [
            Tensor,
            Tensor,
            Tensor,
          ];
          const y =
            form === 'linear'
              ? linear(a, w, bias)
              : matmul(form === 'a.T@b' ? a.T : a, form === 'a@b.T' ? w.T : w);
          const dy = randn(y.shape, { dtype, rng: new Rng(7) });
          if (traced)
            traceOps(
              () => y.backward(dy),
              () => {},
            );
          else y.backward(dy);
          return [a.grad!, w.grad!];
        };
        const direct = run(false);
        const traced = run(true);
        for (let i = 0; i < 2; i++) {
          expect(direct[i]!.shape).toEqual(traced[i]!.shape);
          expect(direct[i]!.stride()).toEqual(traced[i]!.stride());
          expect(Array.from(direct[i]!.toTypedArray())).toEqual(
            Array.from(traced[i]!.toTypedArray()),
          );
        }
      }
    }
  });

  it('second order: a Hessian-vector product through a batched x @ W (createGraph)', () => {
    // L = ½‖x W‖² over a [2, 3, 4] batch and a shared W [4, 5]: ∂L/∂W = Σ_b x_bᵀ x_b W, so
    // the derivative of ⟨∂L/∂W, V⟩ with respect to W is (Σ_b x_bᵀ x_b) V.
    const x = randn([2, 3, 4], { dtype: 'float64', rng, requiresGrad: true });
    const w = randn([4, 5], { dtype: 'float64', rng, requiresGrad: true });
    const v = rand([4, 5], 'float64');
    const y = matmul(x, w);
    const [gw] = grad(y.mul(y).sum().mul(0.5), [w], { createGraph: true });
    const [hv] = grad(gw!.mul(v).sum(), [w]);
    const rows = { shape: [6, 4], data: values(x) };
    const xtx = naiveMatmul(dense(transpose(tensor(rows.data, { shape: rows.shape }))), rows);
    const expected = naiveMatmul(xtx, dense(v)).data;
    const got = values(hv!);
    for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i]!, 10);
  });
});

describe('matmul: errors', () => {
  it('names the op and both shapes', () => {
    expect(() => matmul(rand([2, 3]), rand([4, 5]))).toThrow(ShapeError);
    expect(() => matmul(rand([2, 3]), rand([4, 5]))).toThrow(
      'matmul: inner dimensions differ: [2,3] @ [4,5]',
    );
    expect(() => matmul(rand([3]), rand([4]))).toThrow('inner dimensions differ: [3] @ [4]');
    expect(() => matmul(rand([2, 3, 4]), rand([5, 4, 2]))).toThrow(ShapeError);
    expect(() => matmul(rand([2, 3, 4]), rand([5, 4, 2]))).toThrow(
      /matmul: .*\[2,3,4\].*\[5,4,2\]/,
    );
    expect(() => matmul(tensor(2), rand([2]))).toThrow(ShapeError);
  });
});
