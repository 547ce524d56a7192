// Shared test helpers: a quadratic to optimize, and the values of a tensor as numbers.
import { type Tensor, tensor } from '@tapegrad/core';
import { expect } from 'vitest';

/** The values of `t` as a plain array. */
export function values(t: Tensor): number[] {
  return Array.from(t.toTypedArray());
}

/** A float64 parameter holding `p0`. */
export function param(p0: number[], dtype: 'float32' | 'float64' = 'float64'): Tensor {
  return tensor(p0, { dtype, requiresGrad: true });
}

/**
 * Set `p.grad` to the gradient of f(p) = ½·a·‖p‖² (that is, a·p) through the tape, as a
 * training loop would: zero the gradient, compute the loss, backward.
 */
export function quadraticGrad(p: Tensor, a: number): void {
  p.grad = null;
  p.mul(p)
    .sum()
    .mul(0.5 * a)
    .backward();
}

/** Expect `actual` to equal `expected` elementwise to a relative (and tiny absolute) tolerance. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-12) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const tol = rtol * Math.abs(e) + 1e-300;
    if (!(Math.abs(a - e) <= tol)) {
      expect.fail(`element ${i}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > ${tol})`);
    }
  }
}
