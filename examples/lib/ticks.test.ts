import { scaledRuns } from '@tapegrad/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTick, logTicks, niceStep, niceTicks } from './ticks.js';

/** Whether `step` is 1, 2 or 5 times a power of ten. */
function isRound(step: number): boolean {
  const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-12);
  return [1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-9);
}

describe('niceTicks', () => {
  it.each([
    [-0.93, 1.07, [-1, -0.5, 0, 0.5, 1, 1.5]],
    [0, 999, [0, 200, 400, 600, 800, 1000]],
    [0.3, 0.7, [0.3, 0.4, 0.5, 0.6, 0.7]],
    [0.031, 2.31, [0, 0.5, 1, 1.5, 2, 2.5]],
  ])('ticks for [%d, %d] are %j', (min, max, expected) => {
    expect(niceTicks(min, max)).toEqual(expected);
  });

  it('gives round, evenly spaced ticks covering any range', () => {
    const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(finite, finite, fc.integer({ min: 2, max: 10 }), (a, b, count) => {
        const [min, max] = a <= b ? [a, b] : [b, a];
        const ticks = niceTicks(min, max, count);
        const step = ticks[1]! - ticks[0]!;
        // Covering up to float noise: min = -2.0000000000000002 × step gets tick -2 × step.
        expect(ticks[0]!).toBeLessThanOrEqual(min + step * 1e-6);
        expect(ticks[ticks.length - 1]!).toBeGreaterThanOrEqual(max - step * 1e-6);
        expect(ticks.length).toBeLessThanOrEqual(2 * count + 3);
        expect(isRound(step)).toBe(true);
        for (let i = 1; i < ticks.length; i++) {
          expect(ticks[i]! - ticks[i - 1]!).toBeCloseTo(step, 9);
          // Each tick is a whole multiple of the step, printed without float noise.
          expect(Math.abs(ticks[i]! / step - Math.round(ticks[i]! / step))).toBeLessThan(1e-6);
          expect(String(ticks[i])).not.toMatch(/\d{12,}/);
        }
      }),
      { numRuns: scaledRuns(300) },
    );
  });

  it('widens an empty range and rejects a reversed one', () => {
    expect(niceTicks(5, 5)[0]!).toBeLessThan(5);
    expect(() => niceTicks(2, 1)).toThrow(/min <= max, got \[2, 1\]/);
    expect(() => niceStep(0)).toThrow(/positive finite/);
  });
});

describe('logTicks', () => {
  it('uses 1-2-5 steps over at most two decades and powers of ten beyond', () => {
    expect(logTicks(0.04, 2.3)).toEqual([0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]);
    expect(logTicks(1e-6, 1)).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1]);
    expect(logTicks(1.1, 2.3)).toEqual([1, 1.2, 1.4, 1.6, 1.8, 2, 2.2, 2.4]);
  });

  it('covers the range with few ticks even over many decades', () => {
    const ticks = logTicks(1e-12, 10);
    expect(ticks[0]!).toBeLessThanOrEqual(1e-12);
    expect(ticks[ticks.length - 1]!).toBeGreaterThanOrEqual(10);
    expect(ticks.length).toBeLessThanOrEqual(9);
  });

  it('rejects non-positive ranges', () => {
    expect(() => logTicks(0, 1)).toThrow(/0 < min <= max/);
  });
});

describe('formatTick', () => {
  it.each([
    [0.5, 0.5, '0.5'],
    [1, 0.5, '1.0'],
    [-1.5, 0.5, '-1.5'],
    [2000, 500, '2000'],
    [0.05, 0.05, '0.05'],
    [0, 0.1, '0'],
    [1e-5, 1e-5, '1e-5'],
    [2.5e-5, 5e-6, '2.5e-5'],
    [250000, 50000, '2.5e5'],
  ])('formats %d on a step of %d as %s', (value, step, text) => {
    expect(formatTick(value, step)).toBe(text);
  });
});
