// The custom-op example: softplus passes the shared gradient property test in one line, and
// the script checks it, trains with it, and prints the same numbers on every run.
import { tensor } from '@tapegrad/core';
import { checkOpGradient } from '@tapegrad/core/testing';
import { describe, expect, it } from 'vitest';
import { softplus } from '../core/softplus.js';
import { runScript } from './helpers.js';

describe('softplus, the custom op', () => {
  it('has the right gradients, first and second order', () => {
    checkOpGradient(softplus, { order: 2, domain: { min: -6, max: 6 } });
  });

  it('is log(1 + eˣ), without overflow or loss of precision at the ends', () => {
    const y = softplus(tensor([-800, -30, 0, 2, 800], { dtype: 'float64' })).toTypedArray();
    expect(y[0]).toBe(0);
    expect(y[1]).toBeCloseTo(Math.exp(-30), 25);
    expect(y[2]).toBe(Math.LN2);
    expect(y[3]).toBeCloseTo(Math.log(1 + Math.exp(2)), 14);
    expect(y[4]).toBe(800);
  });

  it('the script checks the op, trains with it, and repeats itself exactly', () => {
    const first = runScript('custom-op.ts', ['--iterations', '300']);
    expect(first).toMatch(/gradcheck: ok/);
    const loss = /final loss (\d+\.\d+)/.exec(first);
    const acc = /training accuracy (\d+\.\d)%/.exec(first);
    expect(Number(loss?.[1])).toBeLessThan(Math.log(3));
    expect(Number(acc?.[1])).toBeGreaterThan(50);
    expect(runScript('custom-op.ts', ['--iterations', '300'])).toBe(first);
  });
});
