// @tapegrad/core/testing: the arbitraries draw what they promise, and checkOpGradient
// passes a correct op and fails a wrong one in one line.
import { add, defineOp, type Tensor, zeros } from '@tapegrad/core';
import {
  broadcastPairArb,
  broadcastShapesArb,
  checkOpGradient,
  inputsArb,
  scaledRuns,
  shapeArb,
  tensorArb,
} from '@tapegrad/core/testing';
import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';

const values = (t: Tensor): number[] => Array.from(t.toTypedArray());

describe('shape arbitraries', () => {
  it('shapeArb stays within its rank and dim bounds', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 4, minDim: 2, maxDim: 5 }), (s) => {
        expect(s.length).toBeGreaterThanOrEqual(1);
        expect(s.length).toBeLessThanOrEqual(4);
        for (const d of s) expect(d >= 2 && d <= 5).toBe(true);
      }),
    );
  });

  it('broadcastPairArb gives shapes that broadcast, with rank differences and size-1 dims', () => {
    fc.assert(
      fc.property(broadcastPairArb({ maxRank: 3 }), ([a, b]) => {
        const out = add(zeros(a), zeros(b)).shape;
        expect(out.length).toBe(Math.max(a.length, b.length));
      }),
    );
    const samples = fc.sample(broadcastPairArb(), { numRuns: 300, seed: 7 });
    expect(samples.some(([a, b]) => a.length !== b.length)).toBe(true);
    expect(
      samples.some(([a, b]) => {
        const n = Math.min(a.length, b.length);
        return Array.from({ length: n }, (_, i) => [a.at(-1 - i)!, b.at(-1 - i)!]).some(
          ([x, y]) => x !== y,
        );
      }),
    ).toBe(true);
  });

  it('broadcastShapesArb broadcasts any number of shapes together', () => {
    fc.assert(
      fc.property(broadcastShapesArb(3), ([a, b, c]) => {
        expect(() => add(add(zeros(a!), zeros(b!)), zeros(c!))).not.toThrow();
      }),
    );
  });
});

describe('tensorArb', () => {
  it('draws float64 tensors of the shape with values in the domain by default', () => {
    fc.assert(
      fc.property(tensorArb(shapeArb()), (t) => {
        expect(t.dtype).toBe('float64');
        expect(t.requiresGrad).toBe(false);
        for (const v of values(t)) expect(v >= -2 && v <= 2).toBe(true);
      }),
    );
    fc.assert(
      fc.property(tensorArb([2, 3], { dtype: 'float32', requiresGrad: true }), (t) => {
        expect(t.shape).toEqual([2, 3]);
        expect(t.dtype).toBe('float32');
        expect(t.requiresGrad).toBe(true);
      }),
    );
  });

  it('keeps values away from avoided points and pairwise apart when distinct', () => {
    fc.assert(
      fc.property(tensorArb([4, 4], { min: -1, max: 1, avoid: [0, 0.5], margin: 0.2 }), (t) => {
        for (const v of values(t)) {
          expect(Math.abs(v)).toBeGreaterThanOrEqual(0.2);
          expect(Math.abs(v - 0.5)).toBeGreaterThanOrEqual(0.2);
        }
      }),
    );
    fc.assert(
      fc.property(tensorArb([5, 5], { min: 0, max: 1, distinct: true, margin: 0.02 }), (t) => {
        const vs = values(t).sort((a, b) => a - b);
        for (let i = 1; i < vs.length; i++) expect(vs[i]! - vs[i - 1]!).toBeGreaterThan(0.0199);
        for (const v of vs) expect(v >= 0 && v <= 1).toBe(true);
      }),
    );
  });

  it('rejects a domain with nothing left to draw', () => {
    expect(() => tensorArb([2], { min: -0.1, max: 0.1, avoid: [0], margin: 0.5 })).toThrow(
      /leave nothing/,
    );
    expect(() => tensorArb([2], { min: 1, max: 0 })).toThrow(/min ≤ max/);
  });

  it('inputsArb gives one tensor per shape, each in its own domain', () => {
    const arb = inputsArb(broadcastPairArb(), [
      { min: 5, max: 6 },
      { min: -6, max: -5 },
    ]);
    fc.assert(
      fc.property(arb, ([a, b]) => {
        for (const v of values(a!)) expect(v >= 5 && v <= 6).toBe(true);
        for (const v of values(b!)) expect(v >= -6 && v <= -5).toBe(true);
      }),
    );
  });
});

describe('checkOpGradient', () => {
  const cubeWith = (factor: number) =>
    defineOp({
      name: 'cube',
      forward: ([x]) =>
        ndarray(
          x!.data.map((v) => v ** 3),
          x!.shape.slice(),
          x!.stride.slice(),
          x!.offset,
        ),
      backward: (dy, { inputs: [x] }) => [dy.mul(x!.pow(2)).mul(factor)],
    });

  it('passes a correct op in one line, to second order', () => {
    expect(() => checkOpGradient(cubeWith(3), { order: 2, numRuns: scaledRuns(10) })).not.toThrow();
  });

  it('fails a wrong op with the gradcheck report and the shrunk counterexample', () => {
    expect(() => checkOpGradient(cubeWith(2), { numRuns: 10, seed: 1 })).toThrow(
      /Counterexample[\s\S]*gradcheck: analytical and numerical gradients differ/,
    );
  });

  it('takes input shapes and per-input domains for ops of several inputs', () => {
    const ratio = (a: Tensor, b: Tensor) => a.div(b);
    expect(() =>
      checkOpGradient(ratio, {
        shapes: broadcastPairArb(),
        domain: [{}, { avoid: [0], margin: 0.5 }],
        order: 2,
        numRuns: scaledRuns(10),
      }),
    ).not.toThrow();
  });
});
