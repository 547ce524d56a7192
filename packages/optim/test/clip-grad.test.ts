// Gradient clipping by global norm and by value.
import { tensor, ValueError } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, clipGradValue } from '../src/index.js';
import { expectClose, param, values } from './helpers.js';

/** Two parameters with gradients [3, 4] and [12]: global 2-norm √(9 + 16 + 144) = 13. */
function setup() {
  const a = param([0, 0]);
  const b = param([0]);
  const none = param([0]); // no gradient: skipped
  a.grad = tensor([3, 4], { dtype: 'float64' });
  b.grad = tensor([12], { dtype: 'float64' });
  return { a, b, none, params: [a, b, none] };
}

describe('clipGradNorm', () => {
  it('returns the global norm and scales the gradients to maxNorm, as PyTorch', () => {
    const { a, b, none, params } = setup();
    expect(clipGradNorm(params, 6.5)).toBe(13);
    const c = 6.5 / (13 + 1e-6); // torch: max_norm / (total_norm + 1e-6)
    expectClose(values(a.grad!), [3 * c, 4 * c], 1e-15);
    expectClose(values(b.grad!), [12 * c], 1e-15);
    expect(none.grad).toBeNull();
    expect(Math.hypot(...values(a.grad!), ...values(b.grad!))).toBeCloseTo(6.5, 5);
  });

  it('leaves gradients alone when their norm is below maxNorm', () => {
    const { a, b, params } = setup();
    expect(clipGradNorm(params, 20)).toBe(13);
    expect(values(a.grad!)).toEqual([3, 4]);
    expect(values(b.grad!)).toEqual([12]);
  });

  it('takes other norms: Infinity (largest |g|) and 1', () => {
    const s1 = setup();
    expect(clipGradNorm(s1.params, 6, { normType: Infinity })).toBe(12);
    expectClose(values(s1.b.grad!), [(12 * 6) / (12 + 1e-6)], 1e-15);
    expect(clipGradNorm(setup().params, 100, { normType: 1 })).toBeCloseTo(19, 12);
  });

  it('accepts a single tensor, and returns 0 when nothing has a gradient', () => {
    const { b } = setup();
    expect(clipGradNorm(b, 1)).toBe(12);
    expect(clipGradNorm([param([1])], 1)).toBe(0);
  });

  it('throws on a non-finite norm only when asked to', () => {
    const { a, params } = setup();
    a.grad = tensor([Number.NaN, 1], { dtype: 'float64' });
    expect(() => clipGradNorm(params, 1, { errorIfNonfinite: true })).toThrow(
      /clipGradNorm: the total norm of order 2 of the gradients is NaN/,
    );
    expect(Number.isNaN(clipGradNorm(params, 1))).toBe(true); // PyTorch scales by NaN
    expect(values(a.grad).every(Number.isNaN)).toBe(true);
  });

  it('rejects a bad maxNorm or normType', () => {
    expect(() => clipGradNorm(setup().params, -1)).toThrow(ValueError);
    expect(() => clipGradNorm(setup().params, -1)).toThrow(
      /maxNorm must be a number in \[0, ∞\), got -1/,
    );
    expect(() => clipGradNorm(setup().params, 1, { normType: 0 })).toThrow(
      /normType must be a number in \(0, ∞\), got 0/,
    );
  });
});

describe('clipGradValue', () => {
  it('clamps every gradient element to [-clipValue, clipValue]', () => {
    const { a, b, none, params } = setup();
    a.grad = tensor([-7, 0.5], { dtype: 'float64' });
    clipGradValue(params, 4);
    expect(values(a.grad!)).toEqual([-4, 0.5]);
    expect(values(b.grad!)).toEqual([4]);
    expect(none.grad).toBeNull();
    expect(() => clipGradValue(params, Number.NaN)).toThrow(
      /clipValue must be a number in \[0, ∞\), got NaN/,
    );
  });
});
