// Core's arrays: one class for every rank and dtype, behaving as ndarray's own views do.
import { fromNdarray, Tensor, tensor } from '@tapegrad/core';
import { defineOp } from '@tapegrad/core/op-kit';
import fc from 'fast-check';
import ndarray, { type NdArray } from 'ndarray';
import ops from 'ndarray-ops';
import { describe, expect, it } from 'vitest';
import { asArray, emptyArray, makeArray, scalarArray } from '../src/array.js';

type FloatArray = Float32Array | Float64Array;

/**
 * A strided view (rank 0 to 6: get, set and index take ranks up to 4 their own way, either
 * dtype, negative strides, an offset) and its storage.
 */
const views = fc
  .record({
    shape: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 6 }),
    float64: fc.boolean(),
    flips: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    pad: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ shape, float64, flips, pad }) => {
    // row-major strides over a storage with `pad` spare values in front, some dims reversed
    const stride = new Array<number>(shape.length);
    let s = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      stride[d] = s;
      s *= shape[d]!;
    }
    let offset = pad;
    for (let d = 0; d < shape.length; d++) {
      if (flips[d]) {
        offset += (shape[d]! - 1) * stride[d]!;
        stride[d] = -stride[d]!;
      }
    }
    const data: FloatArray = float64 ? new Float64Array(pad + s) : new Float32Array(pad + s);
    for (let i = 0; i < data.length; i++) data[i] = i + 0.5;
    return { data, shape, stride, offset };
  });

/** The indices of every element of `shape`, in row-major order. */
function indices(shape: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of shape) out = out.flatMap((ix) => Array.from({ length: n }, (_, i) => [...ix, i]));
  return out;
}

/** What a test compares of two views: their fields and every element. */
function described(x: NdArray<FloatArray>) {
  return {
    dtype: x.dtype,
    shape: [...x.shape],
    stride: [...x.stride],
    offset: x.offset,
    size: x.size,
    dimension: x.dimension,
    order: [...x.order],
    values: indices(x.shape).map((ix) => x.get(...ix)),
  };
}

describe('arrays', () => {
  it('are one class whatever their rank and dtype', () => {
    const classes = new Set<unknown>();
    for (const dtype of ['float32', 'float64'] as const) {
      for (const shape of [[], [3], [2, 3], [2, 1, 3], [1, 2, 1, 2], [1, 1, 1, 1, 2]]) {
        const e = emptyArray(shape, dtype);
        expect([e.shape, e.stride, e.offset, e.data.length]).toEqual([
          shape,
          shape.map((_, d) => shape.slice(d + 1).reduce((n, k) => n * k, 1)),
          0,
          shape.reduce((n, k) => n * k, 1),
        ]);
        expect(e.dtype).toBe(dtype);
        classes.add(Object.getPrototypeOf(e));
        classes.add(Object.getPrototypeOf(tensor(0, { dtype }).reshape(shape.map(() => 1)).data));
      }
      classes.add(Object.getPrototypeOf(scalarArray(1, dtype)));
    }
    expect(classes.size).toBe(1);
  });

  it("behave as ndarray's views: fields, get, set, index, lo, hi, step, transpose, pick", () => {
    fc.assert(
      fc.property(views, ({ data, shape, stride, offset }) => {
        const ours = makeArray(data, shape, stride, offset);
        const theirs = ndarray(data, shape.slice(), stride.slice(), offset);
        expect(described(ours)).toEqual(described(theirs));
        for (const ix of indices(shape)) expect(ours.index(...ix)).toBe(theirs.index(...ix));
        const n = shape.length;
        if (n === 0) return;
        const half = shape.map((d) => d >> 1);
        const axes = shape.map((_, d) => n - 1 - d);
        const picks = shape.map((d, i) => (i % 2 === 0 ? d - 1 : null));
        const pairs: [NdArray<FloatArray>, NdArray<FloatArray>][] = [
          [ours.lo(...half), theirs.lo(...half)],
          [
            ours.hi(...half.map((h, d) => h + (shape[d]! > 1 ? 1 : 0))),
            theirs.hi(...half.map((h, d) => h + (shape[d]! > 1 ? 1 : 0))),
          ],
          [
            ours.step(...shape.map((_, d) => (d % 2 === 0 ? -1 : 2))),
            theirs.step(...shape.map((_, d) => (d % 2 === 0 ? -1 : 2))),
          ],
          [ours.transpose(...axes), theirs.transpose(...axes)],
          [ours.pick(...picks), theirs.pick(...picks)],
        ];
        for (const [a, b] of pairs) {
          expect(described(a)).toEqual(described(b));
          // what the methods return is core's class too
          expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(ours));
        }
        // set writes the value given after one index per dim, where ndarray's set does
        const last = indices(shape).at(-1)!;
        const copy = data.slice();
        ours.set(...last, -7);
        ndarray(copy, shape.slice(), stride.slice(), offset).set(...last, -7);
        expect(Array.from(data)).toEqual(Array.from(copy));
      }),
      { numRuns: 200 },
    );
  });

  it('copy the shape and stride they are made with', () => {
    const shape = [2, 3];
    const stride = [3, 1];
    const a = makeArray(new Float32Array(6), shape, stride);
    shape[0] = 5;
    stride[0] = 9;
    expect(a.shape).toEqual([2, 3]);
    expect(a.stride).toEqual([3, 1]);
  });

  it("hold a user's ndarray view (a forward's, new Tensor's, fromNdarray's) over its storage", () => {
    const storage = new Float64Array([1, 2, 3, 4, 5, 6]);
    const view = ndarray(storage, [3, 2], [1, 3], 0); // column-major [3,2]
    const ours = Object.getPrototypeOf(makeArray(storage, [1]));
    for (const t of [new Tensor(view), fromNdarray(view)]) {
      expect(Object.getPrototypeOf(t.data)).toBe(ours);
      expect(t.data.data).toBe(storage);
      expect(t.toArray()).toEqual([
        [1, 4],
        [2, 5],
        [3, 6],
      ]);
    }
    const transposed = defineOp<[x: Tensor]>({
      name: 'nativeTranspose',
      view: true,
      forward: ([x]) =>
        ndarray(x.data, [x.shape[1]!, x.shape[0]!], [x.stride[1]!, x.stride[0]!], x.offset),
    });
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const y = transposed(x);
    expect(Object.getPrototypeOf(y.data)).toBe(ours);
    expect(y.data.data).toBe(x.data.data);
    expect(y.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(asArray(y.data)).toBe(y.data);
  });

  it('T reverses the dims', () => {
    const a = makeArray(
      new Float32Array(24).map((_, i) => i),
      [2, 3, 4],
    );
    expect(described(a.T)).toEqual(described(ndarray(a.data, [2, 3, 4]).transpose(2, 1, 0)));
  });

  it("work with ndarray-ops, as ndarray's own views do", () => {
    const x = makeArray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const out = emptyArray([3, 2], 'float64');
    ops.assign(out, x.transpose(1, 0)); // a strided read: cwise compiles for the order
    expect(Array.from(out.data)).toEqual([1, 4, 2, 5, 3, 6]);
    ops.mulseq(out, 2);
    ops.addeq(out.pick(0, null), makeArray(new Float64Array([10, 20]), [2]));
    expect(Array.from(out.data)).toEqual([12, 28, 4, 10, 6, 12]);
    expect(ops.sum(x)).toBe(21);
    const f = makeArray(new Float32Array([-1, 2, -3]), [3]);
    ops.abseq(f);
    expect(Array.from(f.data)).toEqual([1, 2, 3]);
  });
});
