// The notes' capacity and regularization figures as functions a script or a test calls:
// 2-layer ReLU nets of a few sizes and L2 strengths trained on one small noisy 2-class set
// (two moons), each scored on the points it learned from and on a held-out set.
import { Rng } from '@tapegrad/core';
import { type Dataset, moons } from '@tapegrad/datasets';
import type { Sequential } from '@tapegrad/nn';
import { accuracy, train, twoLayerNet } from './case-study.js';

/** One panel of the figure: a net's hidden size and its L2 strength λ. */
export interface Setting {
  hidden: number;
  lambda: number;
}

/**
 * The figure's settings: a row with each hidden size at `baseLambda` (capacity), then a row
 * with the last (largest) hidden size at each λ of `lambdas` (regularization).
 *
 * @example
 * settings([3, 6, 20], [1e-3, 1e-2, 1e-1], 0);
 * // [{ hidden: 3, lambda: 0 }, …, { hidden: 20, lambda: 0.001 }, …, { hidden: 20, lambda: 0.1 }]
 */
export function settings(
  hidden: readonly number[],
  lambdas: readonly number[],
  baseLambda: number,
): Setting[] {
  const largest = hidden[hidden.length - 1]!;
  return [
    ...hidden.map((h) => ({ hidden: h, lambda: baseLambda })),
    ...lambdas.map((lambda) => ({ hidden: largest, lambda })),
  ];
}

/** Options of {@link capacityData}. */
export interface CapacityDataOptions {
  /** Training points per class: few, so that a big net can fit their noise. */
  pointsPerClass: number;
  /** Held-out points per class: many, so that held-out accuracy is measured precisely. */
  heldOutPerClass: number;
  /** Standard deviation of the noise on each coordinate. */
  noise: number;
}

/** A training set and a held-out set drawn from the same distribution. */
export interface CapacityData {
  train: Dataset<Int32Array>;
  heldOut: Dataset<Int32Array>;
}

/**
 * Two noisy moons to learn from and a second, larger draw of them to test on, both from
 * `rng` (which advances).
 *
 * @example
 * const { train, heldOut } = capacityData(new Rng(0), { pointsPerClass: 30, heldOutPerClass: 500, noise: 0.3 });
 */
export function capacityData(rng: Rng, options: CapacityDataOptions): CapacityData {
  const { pointsPerClass, heldOutPerClass, noise } = options;
  return {
    train: moons({ pointsPerClass, noise, rng }),
    heldOut: moons({ pointsPerClass: heldOutPerClass, noise, rng }),
  };
}

/** Options of {@link trainSetting}. */
export interface SettingOptions {
  iterations: number;
  lr: number;
  /** The seed of the initial weights: equal seeds give equal starts to nets of one size. */
  initSeed: number;
  /** Called after each step with the iteration and its loss. */
  onIteration?: (iteration: number, loss: number) => void;
}

/** What {@link trainSetting} returns. */
export interface SettingResult extends Setting {
  model: Sequential;
  /** The loss (data loss + ½·λ·Σ W²) of every iteration. */
  losses: Float64Array;
  /** Accuracy on the points the net was trained on. */
  trainAccuracy: number;
  /** Accuracy on the held-out points. */
  heldOutAccuracy: number;
}

/**
 * Trains a 2-layer ReLU net of `setting.hidden` units with L2 strength `setting.lambda` on
 * `data.train` (full batch, the loop of the case study) and scores it on both sets. The
 * weights start from He initialization (Linear's default for ReLU layers), not 0.01·randn:
 * the small nets then fit their data in a few thousand steps instead of stalling.
 *
 * @example
 * const r = trainSetting({ hidden: 20, lambda: 0.01 }, data, { iterations: 20_000, lr: 1, initSeed: 1 });
 * r.trainAccuracy - r.heldOutAccuracy; // the generalization gap
 */
export function trainSetting(
  setting: Setting,
  data: CapacityData,
  options: SettingOptions,
): SettingResult {
  const { iterations, lr, initSeed, onIteration } = options;
  const model = twoLayerNet(2, setting.hidden, 2, new Rng(initSeed), 'kaiming');
  const { losses, accuracy: trainAccuracy } = train(model, data.train, {
    iterations,
    lr,
    lambda: setting.lambda,
    ...(onIteration === undefined ? {} : { onIteration }),
  });
  return {
    ...setting,
    model,
    losses,
    trainAccuracy,
    heldOutAccuracy: accuracy(model, data.heldOut),
  };
}
