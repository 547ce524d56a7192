// Argument checks shared by the loaders: each names the function, the argument and the value.
import { Rng, ValueError } from '@tapegrad/core';
import type { SeedOptions } from '../dataset.js';

/** A whole number ≥ `min` (1 by default), or a ValueError. */
export function checkInt(op: string, name: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ValueError(op, `${name} must be a whole number ≥ ${min}, got ${value}`);
  }
  return value;
}

/** A finite number ≥ 0, or a ValueError. */
export function checkNonNegative(op: string, name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new ValueError(op, `${name} must be a finite number ≥ 0, got ${value}`);
  }
  return value;
}

/** A fraction in [0, 1], or a ValueError. */
export function checkFraction(op: string, name: string, value: number): number {
  if (!(value >= 0 && value <= 1)) {
    throw new ValueError(op, `${name} must be a number in [0, 1], got ${value}`);
  }
  return value;
}

export { checkDtype } from '@tapegrad/core/op-kit';

/** The generator an option set asks for: its `rng`, or a fresh one from `seed` (default 0). */
export function resolveRng(op: string, options: SeedOptions): Rng {
  const { rng, seed } = options;
  if (rng !== undefined) {
    if (seed !== undefined) {
      throw new ValueError(op, 'give either seed or rng, not both');
    }
    if (!(rng instanceof Rng)) throw new ValueError(op, 'rng must be an Rng');
    return rng;
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new ValueError(op, `seed must be a whole number, got ${seed}`);
  }
  return new Rng(seed ?? 0);
}
