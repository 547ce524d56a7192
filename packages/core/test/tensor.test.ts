// Tensor accessors (toArray, toTypedArray, item, toString, clone) and the creation
// functions, including seeded randomness pinned to fixed values.

import {
  arange,
  clone,
  eye,
  fromNdarray,
  full,
  getDefaultRng,
  linspace,
  manualSeed,
  ones,
  onesLike,
  Rng,
  rand,
  randn,
  Tensor,
  tensor,
  zeros,
  zerosLike,
} from '@tapegrad/core';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';

describe('tensor()', () => {
  it('makes a 0-d tensor from a number', () => {
    const t = tensor(3.5);
    expect(t).toBeInstanceOf(Tensor);
    expect(t.shape).toEqual([]);
    expect(t.ndim).toBe(0);
    expect(t.size).toBe(1);
    expect(t.dtype).toBe('float32');
    expect(t.item()).toBe(3.5);
    expect(t.toArray()).toBe(3.5);
  });

  it('infers the shape of nested arrays', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tensor([[[1], [2]]]).shape).toEqual([1, 2, 1]);
  });

  it('makes empty tensors', () => {
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
    expect(tensor([[], []]).toArray()).toEqual([[], []]);
    expect(tensor([], { shape: [0, 3] }).shape).toEqual([0, 3]);
  });

  it('takes a typed array with a shape, and its dtype from the array', () => {
    const t = tensor(new Float64Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] });
    expect(t.dtype).toBe('float64');
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(tensor(new Float32Array([1, 2])).dtype).toBe('float32');
    expect(tensor(new Float32Array([1, 2])).shape).toEqual([2]);
    // other typed arrays are converted to float32 unless a dtype is given
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('float32');
    expect(tensor(new Int32Array([1, 2]), { dtype: 'float64' }).dtype).toBe('float64');
    expect(tensor(new Float64Array([0.1]), { dtype: 'float32' }).toArray()).toEqual([
      Math.fround(0.1),
    ]);
  });

  it('copies typed-array data (the tensor does not alias the caller’s buffer)', () => {
    const buf = new Float32Array([1, 2]);
    const t = tensor(buf);
    buf[0] = 99;
    expect(t.toArray()).toEqual([1, 2]);
  });

  it('takes a flat list with a shape, and reshapes nested data to a shape', () => {
    expect(tensor([1, 2, 3, 4, 5, 6], { shape: [2, 3] }).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(
      tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { shape: [4] },
      ).toArray(),
    ).toEqual([1, 2, 3, 4]);
  });

  it('honours dtype and requiresGrad', () => {
    const t = tensor([0.1, 0.2], { dtype: 'float64', requiresGrad: true });
    expect(t.dtype).toBe('float64');
    expect(t.requiresGrad).toBe(true);
    expect(t.toArray()).toEqual([0.1, 0.2]);
    expect(t.grad).toBeNull();
    expect(t.gradFn).toBeNull();
    // float32 storage rounds
    expect(tensor([0.1]).toArray()).toEqual([Math.fround(0.1)]);
  });

  it('keeps NaN and infinities', () => {
    expect(tensor([Number.NaN, Number.POSITIVE_INFINITY]).toArray()).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ]);
  });
});

describe('accessors', () => {
  it('toTypedArray returns an array that owns its whole buffer (transferable), at any size', () => {
    // small tensors' storage is carved from shared blocks; what toTypedArray gives is not
    for (const n of [3, 20, 100, 500, 5000]) {
      for (const dtype of ['float32', 'float64'] as const) {
        const x = randn([2, n], { dtype });
        for (const a of [x.toTypedArray(), x.T.toTypedArray(), x.T.contiguous().toTypedArray()]) {
          expect(a.byteOffset).toBe(0);
          expect(a.byteLength).toBe(a.buffer.byteLength);
          expect(a.length).toBe(2 * n);
        }
      }
    }
  });

  it('toTypedArray returns a new row-major copy in the tensor dtype', () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    const a = t.toTypedArray();
    expect(a).toBeInstanceOf(Float32Array);
    expect(Array.from(a)).toEqual([1, 2, 3, 4]);
    a[0] = 100;
    expect(t.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(tensor([1], { dtype: 'float64' }).toTypedArray()).toBeInstanceOf(Float64Array);
  });

  it('toTypedArray and toArray read views (transpose, slice) in their logical order', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const tt = t.transpose();
    expect(tt.isContiguous()).toBe(false);
    expect(Array.from(tt.toTypedArray())).toEqual([1, 4, 2, 5, 3, 6]);
    expect(tt.toArray()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const row = t.slice(0, 1, 2);
    expect(Array.from(row.toTypedArray())).toEqual([4, 5, 6]);
    const col = t.slice(1, 1, 2);
    expect(col.toArray()).toEqual([[2], [5]]);
    expect(t.slice(1, 2, 3).slice(0, 1, 2).item()).toBe(6);
  });

  it('item reads any one-element tensor', () => {
    expect(tensor([[7]]).item()).toBe(7);
    expect(tensor([1, 2, 3]).slice(0, 2).item()).toBe(3);
    expect(tensor(2, { dtype: 'float64' }).item()).toBe(2);
  });

  it('toString shows values, shape, dtype and requiresGrad', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).toString(),
    ).toBe('Tensor([[1,2],[3,4]], shape=[2,2], dtype=float32)');
    expect(tensor(0.1, { dtype: 'float64', requiresGrad: true }).toString()).toBe(
      'Tensor(0.1, shape=[], dtype=float64, requiresGrad)',
    );
    // float32 values print in the fewest digits that read back the same; NaN and Inf by name
    expect(tensor([0.1, Number.NaN, Number.NEGATIVE_INFINITY, 1e-30]).toString()).toBe(
      'Tensor([0.1,NaN,-Infinity,1e-30], shape=[4], dtype=float32)',
    );
    expect(zeros([100]).toString()).toBe('Tensor(… 100 values, shape=[100], dtype=float32)');
    expect(String(tensor([1]))).toBe('Tensor([1], shape=[1], dtype=float32)');
  });

  it('clone copies into new contiguous storage and passes gradients through', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const c = clone(x.transpose());
    expect(c.isContiguous()).toBe(true);
    expect(c.data.data).not.toBe(x.data.data);
    expect(c.toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(c.gradFn!.op).toBe('clone');
    c.mul(
      tensor([
        [1, 2],
        [3, 4],
      ]),
    )
      .sum()
      .backward();
    expect(x.grad!.toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    const d = tensor([5, 6]).clone();
    d.data.data[0] = 0;
    expect(d.toArray()).toEqual([0, 6]);
  });

  it('contiguous returns the tensor itself when it already is', () => {
    const t = zeros([2, 3]);
    expect(t.contiguous()).toBe(t);
    const v = t.transpose().contiguous();
    expect(v).not.toBe(t);
    expect(v.isContiguous()).toBe(true);
  });

  it('to converts the dtype (and is a no-op for the same dtype)', () => {
    const t = tensor([0.5, 1.5]);
    expect(t.to('float32')).toBe(t);
    const d = t.to('float64');
    expect(d.dtype).toBe('float64');
    expect(d.toArray()).toEqual([0.5, 1.5]);
  });
});

describe('constant creation', () => {
  it('zeros, ones and full, with dtype and requiresGrad', () => {
    expect(zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones([3], { dtype: 'float64' }).toArray()).toEqual([1, 1, 1]);
    expect(ones([3], { dtype: 'float64' }).dtype).toBe('float64');
    const f = full([2], 7.5, { requiresGrad: true });
    expect(f.toArray()).toEqual([7.5, 7.5]);
    expect(f.requiresGrad).toBe(true);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([]).item()).toBe(0);
    expect(zeros([0, 4]).size).toBe(0);
  });

  it('zerosLike and onesLike take the shape and dtype of a tensor', () => {
    const t = tensor([[1, 2, 3]], { dtype: 'float64' });
    const z = zerosLike(t);
    expect(z.shape).toEqual([1, 3]);
    expect(z.dtype).toBe('float64');
    expect(onesLike(t, { dtype: 'float32' }).dtype).toBe('float32');
    expect(onesLike(t).toArray()).toEqual([[1, 1, 1]]);
  });

  it('arange counts up or down by step, below end', () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(0, 1, 0.25, { dtype: 'float64' }).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(3, 3).shape).toEqual([0]);
    expect(arange(3, 0).shape).toEqual([0]);
    expect(arange(0, 1, 0.1).shape).toEqual([10]);
  });

  it('linspace includes both ends', () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(2, 2, 1).toArray()).toEqual([2]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    expect(linspace(1, -1, 3, { dtype: 'float64' }).toArray()).toEqual([1, 0, -1]);
  });

  it('eye makes square and rectangular identities', () => {
    expect(eye(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    expect(eye(3, 2, { dtype: 'float64' }).toArray()).toEqual([
      [1, 0],
      [0, 1],
      [0, 0],
    ]);
  });

  it('fromNdarray wraps an ndarray, sharing its storage and keeping its strides', () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = fromNdarray(ndarray(data, [2, 3]), { requiresGrad: true });
    expect(t.dtype).toBe('float64');
    expect(t.shape).toEqual([2, 3]);
    expect(t.requiresGrad).toBe(true);
    data[0] = 10;
    expect(t.toArray()).toEqual([
      [10, 2, 3],
      [4, 5, 6],
    ]);
    // a transposed view with an offset: [[2, 5], [3, 6]]
    const view = fromNdarray(ndarray(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 2], [1, 3], 1));
    expect(view.toArray()).toEqual([
      [2, 5],
      [3, 6],
    ]);
    expect(view.mul(2).toArray()).toEqual([
      [4, 10],
      [6, 12],
    ]);
  });
});

describe('seeded randomness', () => {
  it('pins the stream of new Rng(42), so that a change of generator is caught', () => {
    const r = new Rng(42);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([
      2837322924, 544945897, 479756282,
    ]);
    const u = new Rng(42);
    expect([u.random(), u.random(), u.random()]).toEqual([
      0.6606157208001621, 0.1117019639532224, 0.0791056456144914,
    ]);
    const n = new Rng(42);
    const normals = [n.normal(), n.normal(), n.normal()];
    [0.6953712153418404, 0.5878986391985577, 2.242263762064122].forEach((v, i) => {
      expect(normals[i]).toBeCloseTo(v, 12);
    });
    expect(Array.from(new Rng(42).permutation(6))).toEqual([2, 1, 5, 4, 0, 3]);
  });

  it('randn and rand draw from the given Rng', () => {
    const a = randn([4], { rng: new Rng(42), dtype: 'float64' });
    [0.6953712153418404, 0.5878986391985577, 2.242263762064122, 0.2149308925848208].forEach(
      (v, i) => {
        expect(a.toTypedArray()[i]).toBeCloseTo(v, 12);
      },
    );
    expect(Array.from(rand([3], { rng: new Rng(42), dtype: 'float64' }).toTypedArray())).toEqual([
      0.6606157208001621, 0.1117019639532224, 0.0791056456144914,
    ]);
  });

  it('gives the same numbers for the same seed, and different ones for another', () => {
    const a = randn([3, 5], { rng: new Rng(7) });
    const b = randn([3, 5], { rng: new Rng(7) });
    const c = randn([3, 5], { rng: new Rng(8) });
    expect(a.toArray()).toEqual(b.toArray());
    expect(a.toArray()).not.toEqual(c.toArray());
    expect(a.shape).toEqual([3, 5]);
    expect(a.dtype).toBe('float32');
  });

  it('continues the stream of an Rng across calls, and restarts it with seed()', () => {
    const rng = new Rng(3);
    const first = rand([4], { rng }).toArray();
    const second = rand([4], { rng }).toArray();
    expect(first).not.toEqual(second);
    rng.seed(3);
    expect(rand([4], { rng }).toArray()).toEqual(first);
  });

  it('restores a stream from getState / setState', () => {
    const rng = new Rng(5);
    rng.normal(); // leaves a spare normal in the state
    const state = rng.getState();
    const ahead = [rng.normal(), rng.normal(), rng.random()];
    const again = new Rng(0);
    again.setState(state);
    expect([again.normal(), again.normal(), again.random()]).toEqual(ahead);
  });

  it('manualSeed seeds the default generator', () => {
    manualSeed(123);
    const a = randn([5]).toArray();
    const u = rand([2]).toArray();
    manualSeed(123);
    expect(randn([5]).toArray()).toEqual(a);
    expect(rand([2]).toArray()).toEqual(u);
    manualSeed(123);
    expect(randn([5], { rng: getDefaultRng() }).toArray()).toEqual(a);
    expect(randn([5]).toArray()).not.toEqual(a);
  });

  it('draws uniforms in [0, 1) and normals with mean 0 and std 1', () => {
    const u = rand([20_000], { rng: new Rng(1), dtype: 'float64' }).toTypedArray();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...u)).toBeLessThan(1);
    const n = Array.from(randn([20_000], { rng: new Rng(1), dtype: 'float64' }).toTypedArray());
    const mean = n.reduce((s, v) => s + v, 0) / n.length;
    const std = Math.sqrt(n.reduce((s, v) => s + (v - mean) ** 2, 0) / n.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
  });

  it('requiresGrad on random tensors', () => {
    expect(randn([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });
});
