// DataLoader: epochs that visit every sample once, dropLast, seeded shuffles, copies.
import { type Tensor, tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { type Batch, DataLoader, type Dataset } from '../src/index.js';

/** N samples whose x row k is [k, −k] and whose label is k, so a batch tells which rows it holds. */
function indexed(n: number): Dataset<Int32Array> {
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    x[2 * k] = k;
    x[2 * k + 1] = -k;
    y[k] = k;
  }
  return { x: tensor(x, { shape: [n, 2] }), y };
}

function epochOrder(loader: Iterable<Batch<Int32Array>>): number[] {
  const order: number[] = [];
  for (const { x, y } of loader) {
    const rows = x.toArray() as number[][];
    rows.forEach(([a, b], i) => {
      expect(a).toBe(y[i]); // x and y stay paired
      expect(b).toBe(-y[i]!);
    });
    order.push(...y);
  }
  return order;
}

const range = (n: number) => Array.from({ length: n }, (_, k) => k);

describe('DataLoader', () => {
  it('visits every sample once per epoch, in order without shuffle', () => {
    const loader = new DataLoader(indexed(10), { batchSize: 4 });
    const sizes = [...loader].map((b) => b.x.shape);
    expect(sizes).toEqual([
      [4, 2],
      [4, 2],
      [2, 2],
    ]);
    expect(loader.length).toBe(3);
    expect(epochOrder(loader)).toEqual(range(10));
  });

  it('drops the last partial batch with dropLast', () => {
    const loader = new DataLoader(indexed(10), { batchSize: 4, dropLast: true, shuffle: true });
    expect(loader.length).toBe(2);
    for (let e = 0; e < 3; e++) {
      const batches = [...loader];
      expect(batches.map((b) => b.y.length)).toEqual([4, 4]);
      expect(new Set(batches.flatMap((b) => [...b.y])).size).toBe(8);
    }
    // a batch size that divides N drops nothing
    expect(new DataLoader(indexed(8), { batchSize: 4, dropLast: true }).length).toBe(2);
    expect(epochOrder(new DataLoader(indexed(8), { batchSize: 4, dropLast: true }))).toEqual(
      range(8),
    );
  });

  it('reshuffles each epoch, every sample once, deterministically for a seed', () => {
    const a = new DataLoader(indexed(50), { batchSize: 7, shuffle: true, seed: 3 });
    const b = new DataLoader(indexed(50), { batchSize: 7, shuffle: true, seed: 3 });
    const epochs = [epochOrder(a), epochOrder(a), epochOrder(a)];
    for (const order of epochs) expect([...order].sort((p, q) => p - q)).toEqual(range(50));
    expect(epochs[0]).not.toEqual(range(50));
    expect(epochs[1]).not.toEqual(epochs[0]);
    expect(epochs[2]).not.toEqual(epochs[1]);
    expect([epochOrder(b), epochOrder(b), epochOrder(b)]).toEqual(epochs);
    expect(a.epoch).toBe(3);
  });

  it('gives different orders for different seeds', () => {
    const orders = [1, 2, 3].map((seed) =>
      epochOrder(new DataLoader(indexed(30), { batchSize: 30, shuffle: true, seed })),
    );
    expect(orders[0]).not.toEqual(orders[1]);
    expect(orders[1]).not.toEqual(orders[2]);
    expect(orders[0]).not.toEqual(orders[2]);
  });

  it('hands out copies that never alias the dataset or another batch', () => {
    const ds = indexed(6);
    const loader = new DataLoader(ds, { batchSize: 3 });
    const first = [...loader];
    first[0]!.x.fill_(99);
    first[0]!.y.fill(99);
    const second = [...loader];
    expect(second[0]!.x.toArray()).toEqual([
      [0, -0],
      [1, -1],
      [2, -2],
    ]);
    expect([...second[0]!.y]).toEqual([0, 1, 2]);
    expect(ds.x.toArray()).toEqual(indexed(6).x.toArray());
    second[1]!.x.fill_(-7);
    expect(first[1]!.x.toArray()).toEqual([
      [3, -3],
      [4, -4],
      [5, -5],
    ]);
    expect(first[1]!.y).not.toBe(second[1]!.y);
  });

  it('batches tensor targets and samples of any rank', () => {
    const x = tensor(
      Float64Array.from(range(5 * 2 * 3), (v) => v),
      { shape: [5, 2, 3] },
    );
    const y = tensor(
      Float64Array.from(range(5), (v) => v * 10),
      { shape: [5, 1] },
    );
    const loader = new DataLoader({ x, y }, { batchSize: 2, shuffle: true, seed: 1 });
    const seen: number[] = [];
    for (const b of loader) {
      expect(b.x.dtype).toBe('float64');
      expect(b.x.shape.slice(1)).toEqual([2, 3]);
      const ys = (b.y as Tensor).toTypedArray();
      const xs = b.x.toTypedArray();
      for (let i = 0; i < ys.length; i++) {
        const k = ys[i]! / 10;
        expect(xs[i * 6]).toBe(k * 6); // the x row and the y row of the same sample
        seen.push(k);
      }
    }
    expect(seen.sort()).toEqual(range(5));
  });

  it('copies long rows (images) exactly', () => {
    const n = 6;
    const k = 3 * 8 * 8;
    const x = tensor(
      Float32Array.from({ length: n * k }, (_, i) => i),
      { shape: [n, 3, 8, 8] },
    );
    const loader = new DataLoader(
      { x, y: Int32Array.from(range(n)) },
      { batchSize: 4, shuffle: true, seed: 2 },
    );
    for (const b of loader) {
      const xs = b.x.toTypedArray();
      b.y.forEach((row, i) => {
        for (let j = 0; j < k; j++) expect(xs[i * k + j]).toBe(row * k + j);
      });
    }
  });

  it('reads a non-contiguous x the way it looks', () => {
    const x = tensor([
      [0, 1, 2],
      [3, 4, 5],
    ]).T; // [3, 2]
    const batches = [...new DataLoader({ x, y: Int32Array.of(0, 1, 2) }, { batchSize: 3 })];
    expect(batches[0]!.x.toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
  });

  it('hands out plain tensors, not recorded, when x requires grad', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { requiresGrad: true },
    );
    const [batch] = [...new DataLoader({ x, y: Int32Array.of(0, 1, 2) }, { batchSize: 3 })];
    expect(batch!.x.requiresGrad).toBe(false);
    expect(batch!.x.gradFn).toBeNull();
    expect(batch!.x.toArray()).toEqual(x.toArray());
  });

  it('is async iterable, with the same epochs as the sync iteration', async () => {
    const a = new DataLoader(indexed(9), { batchSize: 4, shuffle: true, seed: 8 });
    const b = new DataLoader(indexed(9), { batchSize: 4, shuffle: true, seed: 8 });
    const got: number[][] = [];
    for await (const batch of a) got.push([...batch.y]);
    const want = [...b].map((batch) => [...batch.y]);
    expect(got).toEqual(want);
  });

  it('handles an empty dataset and rejects bad arguments', () => {
    const empty = { x: tensor(new Float32Array(0), { shape: [0, 2] }), y: new Int32Array(0) };
    expect([...new DataLoader(empty, { batchSize: 4 })]).toEqual([]);
    expect(() => new DataLoader(indexed(4), { batchSize: 0 })).toThrow(
      /DataLoader: batchSize must be a whole number ≥ 1, got 0/,
    );
    expect(
      () => new DataLoader({ x: indexed(4).x, y: new Int32Array(3) }, { batchSize: 2 }),
    ).toThrow(/dataset.x has 4 samples \(shape \[4,2\]\) but dataset.y has 3/);
  });
});
