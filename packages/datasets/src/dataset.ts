// The dataset shape every loader returns and every utility takes: inputs `x` and targets `y`.
import type { DType, Rng, Tensor } from '@tapegrad/core';

/** Targets: class labels (`Int32Array`) or a tensor of regression targets. */
export type Targets = Int32Array | Tensor;

/**
 * A dataset: `x` holds one sample per row along dim 0 (`[N, …]`); `y` holds one target per
 * sample, as class labels (`Int32Array` of length N) or a tensor of shape `[N, …]`.
 *
 * @example
 * const ds: Dataset<Int32Array> = { x: tensor([[0, 1], [1, 0]]), y: Int32Array.of(0, 1) };
 */
export interface Dataset<Y extends Targets = Targets> {
  readonly x: Tensor;
  readonly y: Y;
}

/**
 * Where the randomness of a generator or a shuffle comes from: an explicit `rng` or a
 * `seed` (0 when neither is given, so the same call gives the same data everywhere).
 *
 * @example
 * spiral({ seed: 1 });
 * spiral({ rng: new Rng(1) }); // the same points
 */
export interface SeedOptions {
  /** Seed a fresh generator (an integer; 0 when neither `seed` nor `rng` is given). */
  readonly seed?: number;
  /** Draw from this generator instead (it advances); do not pass with `seed`. */
  readonly rng?: Rng;
}

/**
 * Options every synthetic set takes: the randomness and the dtype of `x` (and of a tensor `y`).
 *
 * @example
 * moons({ seed: 3, dtype: 'float64' });
 */
export interface SyntheticOptions extends SeedOptions {
  /** 'float32' (default) or 'float64'. */
  readonly dtype?: DType;
}
