// The synthetic sets: shapes, dtypes, labels, determinism, and each set's defining formula.
import { DTypeError, Rng, ShapeError, type Tensor, ValueError } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { blobs, circles, moons, regression1d, spiral, xor } from '../src/index.js';

function points(x: Tensor): number[][] {
  return x.toArray() as number[][];
}

function counts(y: Int32Array, classes: number): number[] {
  const c = new Array<number>(classes).fill(0);
  for (const v of y) c[v]!++;
  return c;
}

describe('spiral', () => {
  it('has the documented shapes, dtype and labels', () => {
    const { x, y } = spiral();
    expect(x.shape).toEqual([300, 2]);
    expect(x.dtype).toBe('float32');
    expect(y).toBeInstanceOf(Int32Array);
    expect(y.length).toBe(300);
    for (let k = 0; k < 300; k++) expect(y[k]).toBe(Math.floor(k / 100));
    const s = spiral({ classes: 5, pointsPerClass: 7, dtype: 'float64' });
    expect(s.x.shape).toEqual([35, 2]);
    expect(s.x.dtype).toBe('float64');
    expect(counts(s.y, 5)).toEqual([7, 7, 7, 7, 7]);
  });

  it('follows the notes: r = linspace(0, 1, N), t = linspace(4j, 4(j+1), N) + randn(N) · noise', () => {
    const N = 50;
    const K = 4;
    const noise = 0.3;
    const { x } = spiral({ classes: K, pointsPerClass: N, noise, seed: 7, dtype: 'float64' });
    const got = points(x);
    const rng = new Rng(7); // a reference written straight from the notes' numpy code
    for (let j = 0; j < K; j++) {
      for (let i = 0; i < N; i++) {
        const r = i / (N - 1);
        const t = j * 4 + (i * 4) / (N - 1) + rng.normal() * noise;
        const [a, b] = got[j * N + i]!;
        expect(a).toBeCloseTo(r * Math.sin(t), 12);
        expect(b).toBeCloseTo(r * Math.cos(t), 12);
      }
    }
  });

  it('puts point i of every arm at radius i / (N − 1), whatever the noise', () => {
    const { x } = spiral({ pointsPerClass: 11, noise: 1, seed: 3 });
    points(x).forEach(([a, b], k) => {
      expect(Math.hypot(a!, b!)).toBeCloseTo((k % 11) / 10, 6);
    });
  });

  it('without noise puts every angle on its linspace', () => {
    const { x } = spiral({ classes: 2, pointsPerClass: 5, noise: 0 });
    const p = points(x);
    // class 1, i = 2: r = 0.5, t = 4 + 2 = 6
    expect(p[7]![0]).toBeCloseTo(0.5 * Math.sin(6), 6);
    expect(p[7]![1]).toBeCloseTo(0.5 * Math.cos(6), 6);
    expect(p[0]).toEqual([0, 0]);
  });

  it('is deterministic for a seed, equal for seed and rng, and differs across seeds', () => {
    const a = spiral({ seed: 11 }).x.toTypedArray();
    expect(spiral({ seed: 11 }).x.toTypedArray()).toEqual(a);
    expect(spiral({ rng: new Rng(11) }).x.toTypedArray()).toEqual(a);
    expect(spiral({ seed: 12 }).x.toTypedArray()).not.toEqual(a);
    expect(spiral().x.toTypedArray()).toEqual(spiral({ seed: 0 }).x.toTypedArray());
  });

  it('rejects bad options with errors naming them', () => {
    expect(() => spiral({ classes: 0 })).toThrow(
      /spiral: classes must be a whole number ≥ 1, got 0/,
    );
    expect(() => spiral({ pointsPerClass: 2.5 })).toThrow(ValueError);
    expect(() => spiral({ noise: -1 })).toThrow(/noise must be a finite number ≥ 0/);
    expect(() => spiral({ seed: 1, rng: new Rng(1) })).toThrow(/either seed or rng/);
    expect(() => spiral({ seed: 0.5 })).toThrow(/seed must be a whole number/);
    // @ts-expect-error: a dtype that does not exist
    expect(() => spiral({ dtype: 'int8' })).toThrow(DTypeError);
  });
});

describe('moons', () => {
  it('places the two half circles of make_moons', () => {
    const N = 20;
    const { x, y } = moons({ pointsPerClass: N, noise: 0 });
    expect(x.shape).toEqual([40, 2]);
    expect(counts(y, 2)).toEqual([N, N]);
    points(x).forEach(([a, b], k) => {
      const t = (Math.PI * (k % N)) / (N - 1);
      if (y[k] === 0) {
        expect(a).toBeCloseTo(Math.cos(t), 6);
        expect(b).toBeCloseTo(Math.sin(t), 6);
      } else {
        expect(a).toBeCloseTo(1 - Math.cos(t), 6);
        expect(b).toBeCloseTo(0.5 - Math.sin(t), 6);
      }
    });
  });

  it('adds noise of the given scale, deterministically', () => {
    const clean = moons({ pointsPerClass: 500, noise: 0 }).x.toTypedArray();
    const noisy = moons({ pointsPerClass: 500, noise: 0.1, seed: 4 }).x.toTypedArray();
    let ss = 0;
    for (let i = 0; i < clean.length; i++) ss += (noisy[i]! - clean[i]!) ** 2;
    expect(Math.sqrt(ss / clean.length)).toBeCloseTo(0.1, 1);
    expect(moons({ pointsPerClass: 500, noise: 0.1, seed: 4 }).x.toTypedArray()).toEqual(noisy);
  });
});

describe('circles', () => {
  it('puts class 0 on the unit circle and class 1 on radius factor', () => {
    const { x, y } = circles({ pointsPerClass: 30, noise: 0, factor: 0.3 });
    expect(x.shape).toEqual([60, 2]);
    expect(counts(y, 2)).toEqual([30, 30]);
    points(x).forEach(([a, b], k) => {
      expect(Math.hypot(a!, b!)).toBeCloseTo(y[k] === 0 ? 1 : 0.3, 6);
    });
  });

  it('rejects a factor outside (0, 1)', () => {
    expect(() => circles({ factor: 1 })).toThrow(/circles: factor must be in \(0, 1\), got 1/);
  });
});

describe('xor', () => {
  it('labels by whether the signs differ, points inside [−1, 1]²', () => {
    const { x, y } = xor({ pointsPerClass: 40, seed: 5 });
    expect(x.shape).toEqual([80, 2]);
    expect(counts(y, 2)).toEqual([40, 40]);
    const quadrants = new Set<string>();
    points(x).forEach(([a, b], k) => {
      expect(Math.abs(a!)).toBeLessThanOrEqual(1);
      expect(Math.abs(b!)).toBeLessThanOrEqual(1);
      expect(y[k]).toBe(a! > 0 !== b! > 0 ? 1 : 0);
      quadrants.add(`${y[k]}:${Math.sign(a!)}${Math.sign(b!)}`);
    });
    expect(quadrants.size).toBe(4); // each class fills both of its quadrants
  });

  it('with noise moves some points across the axes', () => {
    const { x, y } = xor({ pointsPerClass: 200, noise: 0.3, seed: 1 });
    const flipped = points(x).filter(([a, b], k) => (a! > 0 !== b! > 0 ? 1 : 0) !== y[k]).length;
    expect(flipped).toBeGreaterThan(0);
    expect(flipped).toBeLessThan(200);
  });
});

describe('blobs', () => {
  it('draws each class around its centre with the given std', () => {
    const centers = [
      [0, 0, 0],
      [10, -10, 5],
    ];
    const { x, y } = blobs({ centers, pointsPerClass: 2000, std: 0.5, seed: 2 });
    expect(x.shape).toEqual([4000, 3]);
    expect(counts(y, 2)).toEqual([2000, 2000]);
    const p = points(x);
    for (let j = 0; j < 2; j++) {
      for (let d = 0; d < 3; d++) {
        const v = p.filter((_, k) => y[k] === j).map((r) => r[d]!);
        const m = v.reduce((s, t) => s + t, 0) / v.length;
        const sd = Math.sqrt(v.reduce((s, t) => s + (t - m) ** 2, 0) / v.length);
        expect(m).toBeCloseTo(centers[j]![d]!, 1);
        expect(sd).toBeCloseTo(0.5, 1);
      }
    }
  });

  it('defaults to `classes` centres on the circle of radius 2', () => {
    const { x, y } = blobs({ classes: 4, std: 0 });
    expect(x.shape).toEqual([400, 2]);
    expect(counts(y, 4)).toEqual([100, 100, 100, 100]);
    const p = points(x);
    expect(p[0]![0]).toBeCloseTo(2, 6);
    expect(p[100]![1]).toBeCloseTo(2, 6);
    expect(p[200]![0]).toBeCloseTo(-2, 6);
  });

  it('rejects ragged or disagreeing centres', () => {
    expect(() => blobs({ centers: [[0, 0], [1]] })).toThrow(ShapeError);
    expect(() => blobs({ centers: [[0, 0]], classes: 2 })).toThrow(/classes is 2 but 1 centers/);
    expect(() => blobs({ centers: [] })).toThrow(ValueError);
  });
});

describe('regression1d', () => {
  it('samples sin on an evenly spaced grid over [−π, π] by default', () => {
    const { x, y } = regression1d({ points: 9 });
    expect(x.shape).toEqual([9, 1]);
    expect(y.shape).toEqual([9, 1]);
    expect(y.dtype).toBe('float32');
    const xs = x.toTypedArray();
    const ys = y.toTypedArray();
    expect(xs[0]).toBeCloseTo(-Math.PI, 6);
    expect(xs[8]).toBeCloseTo(Math.PI, 6);
    for (let i = 0; i < 9; i++) {
      expect(xs[i]).toBeCloseTo(-Math.PI + (i * Math.PI) / 4, 5);
      expect(ys[i]).toBeCloseTo(Math.sin(xs[i]!), 5);
    }
  });

  it('samples the step function: 0 below 0, 1 from 0 on', () => {
    const { x, y } = regression1d({ fn: 'step', points: 11, low: -1, high: 1, dtype: 'float64' });
    expect(Array.from(y.toTypedArray())).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(x.toTypedArray()[5]).toBe(0);
  });

  it('takes any function, uniform sorted inputs and seeded noise', () => {
    const opts = {
      fn: (t: number) => 2 * t,
      points: 500,
      sampling: 'uniform',
      noise: 0.1,
    } as const;
    const a = regression1d({ ...opts, low: 0, high: 1, seed: 9 });
    const xs = a.x.toTypedArray();
    const ys = a.y.toTypedArray();
    let ss = 0;
    for (let i = 0; i < xs.length; i++) {
      expect(xs[i]).toBeGreaterThanOrEqual(0);
      expect(xs[i]).toBeLessThan(1);
      if (i > 0) expect(xs[i]).toBeGreaterThanOrEqual(xs[i - 1]!);
      ss += (ys[i]! - 2 * xs[i]!) ** 2;
    }
    expect(Math.sqrt(ss / xs.length)).toBeCloseTo(0.1, 1);
    const b = regression1d({ ...opts, low: 0, high: 1, seed: 9 });
    expect(b.y.toTypedArray()).toEqual(ys);
  });

  it('rejects an empty interval and unknown functions', () => {
    expect(() => regression1d({ low: 1, high: 1 })).toThrow(/need finite low < high/);
    // @ts-expect-error: not a known function name
    expect(() => regression1d({ fn: 'cos' })).toThrow(/fn must be 'sin', 'step' or a function/);
  });
});
