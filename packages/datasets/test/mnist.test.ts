// loadMnist: the 10,000 digits the `mnist` package ships, split deterministically.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../src/node.js';

/** What the package ships, per digit 0–9 (its own `mnist[d].length`, checked below). */
const SHIPPED = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

/** The part of the package's own API the test compares against. */
interface MnistPackage {
  readonly [digit: number]: { readonly length: number; get(index: number): number[] };
}

function labelCounts(...ys: Int32Array[]): number[] {
  const c = new Array<number>(10).fill(0);
  for (const y of ys) for (const v of y) c[v]!++;
  return c;
}

/** A fingerprint of each row (two 32-bit FNV-1a hashes of its bits), to compare sets of digits. */
function rowKeys(values: Float32Array | Float64Array, n: number): string[] {
  const x = values instanceof Float32Array ? values : Float32Array.from(values);
  const bits = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const keys: string[] = [];
  for (let i = 0; i < n; i++) keys.push(hash(bits.subarray(i * 784, (i + 1) * 784)));
  return keys;
}

function hash(words: Uint32Array): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let k = 0; k < words.length; k++) {
    a = Math.imul(a ^ words[k]!, 0x01000193);
    b = Math.imul(b ^ words[k]!, 0x5bd1e995) ^ (b >>> 15);
  }
  return `${a >>> 0}:${b >>> 0}`;
}

/** Typed arrays equal element by element (expect's deep equality is slow on millions). */
function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe('loadMnist', () => {
  const { train, test } = loadMnist();

  it('gives 8,000 train and 2,000 test digits of 784 pixels in [0, 1], labels 0–9', () => {
    expect(train.x.shape).toEqual([8000, 784]);
    expect(test.x.shape).toEqual([2000, 784]);
    expect(train.x.dtype).toBe('float32');
    expect(train.y).toBeInstanceOf(Int32Array);
    expect(train.y.length).toBe(8000);
    expect(test.y.length).toBe(2000);
    for (const part of [train, test]) {
      const xs = part.x.toTypedArray();
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of xs) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      expect(lo).toBe(0);
      expect(hi).toBe(1);
      for (const v of part.y) expect(v >= 0 && v <= 9).toBe(true);
    }
  });

  it('holds exactly the 10,000 digits the package ships: 1001, 1127, 991, … per digit', () => {
    expect(labelCounts(train.y, test.y)).toEqual(SHIPPED);
    expect(SHIPPED.reduce((a, b) => a + b, 0)).toBe(10000);
    const mnist = createRequire(import.meta.url)('mnist') as MnistPackage;
    expect(SHIPPED.map((_, d) => mnist[d]!.length)).toEqual(SHIPPED);
    // The same pixels as the package's own accessor, for a digit of each class.
    const { train: all } = loadMnist({ testFraction: 0, seed: 0 });
    const xs = all.x.toTypedArray();
    const keys = new Set(rowKeys(xs, 10000));
    for (let d = 0; d < 10; d++) {
      const sample = Float32Array.from(mnist[d]!.get(d * 7));
      expect(keys.has(rowKeys(sample, 1)[0]!)).toBe(true);
    }
  });

  it('splits into disjoint parts that together hold every digit, each image with its label', () => {
    const all = loadMnist({ testFraction: 0 }).train;
    const byKey = new Map<string, number>();
    rowKeys(all.x.toTypedArray(), 10000).forEach((k, i) => {
      byKey.set(k, all.y[i]!);
    });
    const trainKeys = rowKeys(train.x.toTypedArray(), 8000);
    const testKeys = rowKeys(test.x.toTypedArray(), 2000);
    // each image is in the whole set, with the same label
    expect(trainKeys.filter((k, i) => byKey.get(k) !== train.y[i])).toEqual([]);
    expect(testKeys.filter((k, i) => byKey.get(k) !== test.y[i])).toEqual([]);
    // The package ships no image twice, so the parts share no image and cover all 10,000.
    expect(byKey.size).toBe(10000);
    const testSet = new Set(testKeys);
    expect(trainKeys.filter((k) => testSet.has(k))).toEqual([]);
    expect(new Set([...trainKeys, ...testKeys]).size).toBe(10000);
    // Every test digit's label count follows the whole set's mix roughly (a random split).
    expect(labelCounts(test.y).every((c, d) => Math.abs(c - SHIPPED[d]! / 5) < 60)).toBe(true);
  });

  it('is deterministic for a seed, differs across seeds, and honours testFraction', () => {
    const again = loadMnist({ seed: 0 });
    expect(sameValues(again.test.y, test.y)).toBe(true);
    expect(sameValues(again.test.x.toTypedArray(), test.x.toTypedArray())).toBe(true);
    expect(sameValues(again.train.x.toTypedArray(), train.x.toTypedArray())).toBe(true);
    const other = loadMnist({ seed: 1 });
    expect(sameValues(other.test.y, test.y)).toBe(false);
    const small = loadMnist({ testFraction: 0.05, seed: 3 });
    expect(small.test.x.shape).toEqual([500, 784]);
    expect(small.train.x.shape).toEqual([9500, 784]);
    expect(() => loadMnist({ testFraction: 2 })).toThrow(
      /loadMnist: testFraction must be a number in \[0, 1\]/,
    );
  });

  // (how fast a second load is, from the parsed cache, is a benchmark's matter, not a test's)
  it('returns fresh tensors that never share the cache', () => {
    const a = loadMnist({ seed: 4 });
    a.train.x.fill_(7);
    a.train.y.fill(7);
    const b = loadMnist({ seed: 4 });
    expect(b.train.x.toTypedArray()[0]).toBeLessThanOrEqual(1);
    expect(labelCounts(b.train.y, b.test.y)).toEqual(SHIPPED);
  });
});
