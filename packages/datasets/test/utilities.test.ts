// trainValSplit, Standardizer and oneHot.
import { IndexError, ShapeError, tensor, ValueError } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { moons, oneHot, regression1d, Standardizer, spiral, trainValSplit } from '../src/index.js';

describe('trainValSplit', () => {
  it('splits into disjoint parts that hold every sample once, x and y paired', () => {
    const ds = moons({ pointsPerClass: 60, seed: 1 });
    const { train, val } = trainValSplit(ds, { valFraction: 0.25, seed: 5 });
    expect(train.x.shape).toEqual([90, 2]);
    expect(val.x.shape).toEqual([30, 2]);
    expect(train.y.length).toBe(90);
    expect(val.y.length).toBe(30);
    // Each noisy point is unique: identify rows by their coordinates.
    const key = (r: number[]) => r.join(',');
    const original = new Map<string, number>();
    (ds.x.toArray() as number[][]).forEach((r, k) => {
      original.set(key(r), ds.y[k]!);
    });
    const seen = new Set<string>();
    for (const part of [train, val]) {
      (part.x.toArray() as number[][]).forEach((r, k) => {
        expect(original.get(key(r))).toBe(part.y[k]);
        seen.add(key(r));
      });
    }
    expect(seen.size).toBe(120);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const ds = spiral({ seed: 1 });
    const a = trainValSplit(ds, { seed: 2 });
    expect(trainValSplit(ds, { seed: 2 }).val.x.toTypedArray()).toEqual(a.val.x.toTypedArray());
    expect(trainValSplit(ds, { seed: 3 }).val.x.toTypedArray()).not.toEqual(a.val.x.toTypedArray());
    expect(a.val.y.length).toBe(60); // default valFraction 0.2
  });

  it('keeps the last samples for val without shuffle, and copies tensor targets', () => {
    const ds = regression1d({ points: 10 });
    const { train, val } = trainValSplit(ds, { valFraction: 0.3, shuffle: false });
    expect(train.x.toTypedArray()).toEqual(ds.x.toTypedArray().slice(0, 7));
    expect(val.y.toTypedArray()).toEqual(ds.y.toTypedArray().slice(7));
    val.y.fill_(5);
    expect(ds.y.toTypedArray()[9]).not.toBe(5);
  });

  it('rejects a fraction outside [0, 1]', () => {
    expect(() => trainValSplit(spiral(), { valFraction: 1.5 })).toThrow(
      /trainValSplit: valFraction must be a number in \[0, 1\], got 1.5/,
    );
  });
});

describe('Standardizer', () => {
  const train = tensor([
    [1, 10, 5],
    [3, 20, 5],
    [5, 30, 5],
  ]);

  it('fits per-feature mean and std on train and applies them to any split', () => {
    const scaler = new Standardizer().fit(train);
    expect(scaler.mean.toArray()).toEqual([3, 20, 5]);
    const sd = Math.sqrt(8 / 3);
    const stds = scaler.std.toTypedArray();
    expect(stds[0]).toBeCloseTo(sd, 12);
    expect(stds[1]).toBeCloseTo(5 * sd, 12);
    expect(stds[2]).toBe(0);
    const z = scaler.transform(train).toArray() as number[][];
    expect(z[0]![0]).toBeCloseTo(-2 / sd, 6);
    expect(z[2]![1]).toBeCloseTo(2 / sd, 6);
    expect(z.map((r) => r[2])).toEqual([0, 0, 0]); // a constant feature is only centred
    // test data uses the training statistics, not its own
    const test = scaler.transform(tensor([[3, 40, 6]]));
    expect(test.toArray()).toEqual([[0, expect.closeTo(4 / sd, 6), 1]]);
  });

  it('only centres with scale: false, keeps dtype, and works on image-shaped samples', () => {
    const x = tensor(Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]), { shape: [2, 2, 2] });
    const out = new Standardizer({ scale: false }).fitTransform(x);
    expect(out.dtype).toBe('float64');
    expect(out.shape).toEqual([2, 2, 2]);
    expect(Array.from(out.toTypedArray())).toEqual([-2, -2, -2, -2, 2, 2, 2, 2]);
  });

  it('reads views the way they look: a slice past the buffer start, a transpose', () => {
    const big = tensor([
      [0, 0, 0],
      [1, 10, 5],
      [3, 20, 5],
      [5, 30, 5],
    ]);
    const slice = big.slice(0, 1, 4); // dense, from offset 3
    expect(new Standardizer().fit(slice).mean.toArray()).toEqual([3, 20, 5]);
    expect(new Standardizer().fitTransform(slice).toArray()).toEqual(
      new Standardizer().fitTransform(train).toArray(),
    );
    const transposed = train.T.contiguous().T; // strided: [3, 3] with strides [1, 3]
    expect(new Standardizer().fit(transposed).std.toArray()).toEqual(
      new Standardizer().fit(train).std.toArray(),
    );
  });

  it('says what is wrong: not fitted, other feature shape', () => {
    expect(() => new Standardizer().transform(train)).toThrow(/call fit\(train.x\) first/);
    const scaler = new Standardizer().fit(train);
    expect(() => scaler.transform(tensor([[1, 2]]))).toThrow(ShapeError);
    expect(() => scaler.transform(tensor([[1, 2]]))).toThrow(
      /samples of shape \[2\].*fitted on samples of shape \[3\]/,
    );
    expect(() => new Standardizer().fit(tensor(new Float32Array(0), { shape: [0, 3] }))).toThrow(
      ValueError,
    );
  });
});

describe('oneHot', () => {
  it('encodes labels given as Int32Array, number[] or a tensor', () => {
    expect(oneHot(Int32Array.of(0, 2, 1), 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ]);
    expect(oneHot([1, 3]).shape).toEqual([2, 4]); // numClasses from the largest label
    const t = oneHot(tensor([[0], [1]]), 2, { dtype: 'float64' });
    expect(t.shape).toEqual([2, 1, 2]);
    expect(t.dtype).toBe('float64');
  });

  it('names a label out of range', () => {
    expect(() => oneHot([0, 5, 1], 3)).toThrow(IndexError);
    expect(() => oneHot([0, 5, 1], 3)).toThrow(
      /oneHot: label 5 at position 1 is out of range for 3 classes/,
    );
    expect(() => oneHot([-1])).toThrow(IndexError);
    expect(() => oneHot([0.5])).toThrow(/whole numbers/);
  });
});
