// A random split of one dataset into two disjoint ones (training and validation).
import type { Dataset, SeedOptions, Targets } from './dataset.js';
import {
  checkBoolean,
  checkFraction,
  checkOptions,
  given,
  optionNames,
  resolveRng,
} from './internal/check.js';
import { numSamples } from './internal/rows.js';
import { splitDataset } from './internal/split.js';

export interface TrainValSplitOptions extends SeedOptions {
  /** The fraction of samples that go to `val` (rounded to a whole count); 0.2 by default. */
  readonly valFraction?: number;
  /** Shuffle before splitting (default true); false keeps the last samples for `val`. */
  readonly shuffle?: boolean;
}

const OPTIONS = optionNames<TrainValSplitOptions>({
  valFraction: true,
  shuffle: true,
  seed: true,
  rng: true,
});

/** Two disjoint parts of a dataset that together hold every sample once. */
export interface TrainValSplit<Y extends Targets> {
  readonly train: Dataset<Y>;
  readonly val: Dataset<Y>;
}

/**
 * Split a dataset into `train` and `val` at random (deterministic for a seed): `val` gets
 * `round(N · valFraction)` samples, `train` the rest. Both are copies, in shuffled order.
 * Tune hyperparameters on `val`, and keep the test set for the end.
 *
 * @example
 * const { train, val } = trainValSplit(spiral({ seed: 0 }), { valFraction: 0.1, seed: 1 });
 * train.x.shape; // [270, 2]
 * val.y.length;  // 30
 */
export function trainValSplit<Y extends Targets>(
  dataset: Dataset<Y>,
  options: TrainValSplitOptions = {},
): TrainValSplit<Y> {
  const op = 'trainValSplit';
  numSamples(op, dataset);
  const o = checkOptions(op, options, OPTIONS, '{ valFraction: 0.2, seed: 0 }');
  const valFraction = checkFraction(op, 'valFraction', given(o.valFraction, 0.2));
  const shuffle = checkBoolean(op, 'shuffle', given(o.shuffle, true));
  const rng = resolveRng(op, o);
  const [train, val] = splitDataset(op, dataset, valFraction, shuffle, rng);
  return { train, val };
}
