// Standardization: per-feature statistics fitted on training data, applied to any split.
import { ShapeError, type Tensor, ValueError } from '@tapegrad/core';
import { allocate, denseValues, fmtShape, fromBuffer, sizeOf } from '@tapegrad/core/op-kit';
import {
  checkBoolean,
  checkNonNegative,
  checkOptions,
  given,
  optionNames,
} from './internal/check.js';
import { checkSamples } from './internal/rows.js';

export interface StandardizerOptions {
  /** Divide by the standard deviation after centring (default true); false only subtracts the mean. */
  readonly scale?: boolean;
  /** Features whose standard deviation is below this are only centred, not scaled (default 1e-8). */
  readonly eps?: number;
}

const OPTIONS = optionNames<StandardizerOptions>({ scale: true, eps: true });

/**
 * Zero mean and unit variance per feature, the notes' preprocessing: `fit` computes the mean
 * and standard deviation of each feature over the samples (dim 0) of the training data;
 * `transform` applies those same statistics to any split, so no statistic of the validation
 * or test data leaks into training. Constant features (std < eps) are only centred.
 *
 * @example
 * const scaler = new Standardizer().fit(train.x);
 * const xTrain = scaler.transform(train.x); // each column: mean 0, std 1
 * const xTest = scaler.transform(test.x);   // with the training mean and std
 */
export class Standardizer {
  readonly scale: boolean;
  readonly eps: number;
  private stats: { mean: Float64Array; std: Float64Array; featureShape: readonly number[] } | null =
    null;

  constructor(options: StandardizerOptions = {}) {
    const op = 'Standardizer';
    const o = checkOptions(op, options, OPTIONS, '{ scale: true, eps: 1e-8 }');
    this.scale = checkBoolean(op, 'scale', given(o.scale, true));
    this.eps = checkNonNegative(op, 'eps', given(o.eps, 1e-8));
  }

  /** Fit the per-feature mean and (population) standard deviation of `x` `[N, …]`; returns this. */
  fit(x: Tensor): this {
    const op = 'Standardizer.fit';
    const { data, offset, n, k, featureShape } = samples(op, x);
    if (n === 0) throw new ValueError(op, 'cannot fit on an empty x (no samples along dim 0)');
    const mean = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const p = offset + i * k;
      for (let j = 0; j < k; j++) mean[j]! += data[p + j]!;
    }
    for (let j = 0; j < k; j++) mean[j]! /= n;
    // Two passes: the variance of deviations is accurate where E[x²] − E[x]² is not.
    const std = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const p = offset + i * k;
      for (let j = 0; j < k; j++) {
        const d = data[p + j]! - mean[j]!;
        std[j]! += d * d;
      }
    }
    for (let j = 0; j < k; j++) std[j] = Math.sqrt(std[j]! / n);
    this.stats = { mean, std, featureShape };
    return this;
  }

  /** `(x − mean) / std` with the fitted statistics, as a new tensor of x's dtype and shape. */
  transform(x: Tensor): Tensor {
    const op = 'Standardizer.transform';
    const stats = this.fitted(op);
    const { data, offset, n, k, featureShape } = samples(op, x);
    if (fmtShape(featureShape) !== fmtShape(stats.featureShape)) {
      throw new ShapeError(
        op,
        `x has samples of shape ${fmtShape(featureShape)} (x: ${fmtShape(x.shape)}) but the standardizer was fitted on samples of shape ${fmtShape(stats.featureShape)}`,
        [x.shape, stats.featureShape],
      );
    }
    const out = allocate(x.dtype, n * k);
    const inv = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const s = stats.std[j]!;
      inv[j] = this.scale && s >= this.eps ? 1 / s : 1;
    }
    const mean = stats.mean;
    for (let i = 0, q = 0; i < n; i++) {
      const p = offset + i * k;
      for (let j = 0; j < k; j++, q++) out[q] = (data[p + j]! - mean[j]!) * inv[j]!;
    }
    return fromBuffer(out, x.shape);
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  /** The fitted per-feature mean, shape `x.shape.slice(1)` (float64). */
  get mean(): Tensor {
    const s = this.fitted('Standardizer.mean');
    return fromBuffer(s.mean.slice(), s.featureShape);
  }

  /** The fitted per-feature standard deviation, shape `x.shape.slice(1)` (float64). */
  get std(): Tensor {
    const s = this.fitted('Standardizer.std');
    return fromBuffer(s.std.slice(), s.featureShape);
  }

  private fitted(op: string) {
    if (this.stats === null) {
      throw new ValueError(op, 'the standardizer is not fitted yet; call fit(train.x) first');
    }
    return this.stats;
  }
}

/**
 * x's values for reading, as n samples of k features each: sample i's features are
 * `data[offset + i·k …]` (x's own buffer when dense, else a copy).
 */
function samples(op: string, x: Tensor) {
  checkSamples(op, 'x', x);
  const { data, offset } = denseValues(x);
  const featureShape = x.shape.slice(1);
  return { data, offset, n: x.shape[0]!, k: sizeOf(featureShape), featureShape };
}
