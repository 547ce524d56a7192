// The JS kernels' exp (backend/js/exp.ts): fdlibm's, as V8's Math.exp computes it, inlined.
// Bit for bit against Math.exp over its range, at the branches' edges (0, the row max's own
// term in a softmax, among them) and at the arguments it leaves to Math.exp.
import { scaledRuns } from '@tapegrad/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exp, fdlibmExp } from '../src/backend/js/exp.js';

describe('exp', () => {
  it("is V8's Math.exp bit for bit, over the whole range and at the edges", () => {
    // Node runs V8, whose Math.exp is fdlibm's: the inlined form is the one in use
    expect(exp).toBe(fdlibmExp);
    const edges = [
      0,
      -0,
      1,
      -1,
      0.5,
      Math.LN2 / 2,
      1.5 * Math.LN2,
      2 ** -28,
      2 ** -29,
      2 ** -40,
      Number.MIN_VALUE,
      706.9,
      707,
      707.0000001,
      709.78,
      710,
      -707,
      -708.4,
      -745.1,
      -746,
      Infinity,
      -Infinity,
      Number.NaN,
    ];
    for (const x of edges.flatMap((v) => [v, -v, v * (1 + 2 ** -52), v * (1 - 2 ** -53)])) {
      expect(Object.is(exp(x), Math.exp(x)), `exp(${x})`).toBe(true);
    }
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: -750, max: 750, noNaN: true }),
          fc.double({ min: -1, max: 1, noNaN: true }),
          fc.double({ min: -30, max: 0, noNaN: true }),
          // fdlibm's 1 + x, below 2⁻²⁸
          fc.double({ min: -(2 ** -27), max: 2 ** -27, noNaN: true }),
        ),
        (x) => Object.is(exp(x), Math.exp(x)),
      ),
      { numRuns: scaledRuns(20_000) },
    );
  });
});
