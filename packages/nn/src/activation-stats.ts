// What one forward pass through an activation layer looked like: the dead ReLUs and saturated
// sigmoid/tanh units the notes warn about, measured from the layer's input and output.
import type { Tensor } from '@tapegrad/core';
import { flatValues } from './internal/values.js';

/** The activation functions whose health is measured. @example const kind: ActivationKind = 'relu'; */
export type ActivationKind = 'relu' | 'leakyRelu' | 'prelu' | 'sigmoid' | 'tanh';

/**
 * A sigmoid output below `SIGMOID_SATURATION` or above `1 - SIGMOID_SATURATION` is
 * saturated: its local gradient σ(1 - σ) is below 0.0099, a hundredth of nothing.
 *
 * @example
 * const saturated = (y: number) => y < SIGMOID_SATURATION || y > 1 - SIGMOID_SATURATION;
 */
export const SIGMOID_SATURATION = 0.01;
/**
 * A tanh output with |y| above `TANH_SATURATION` is saturated (local gradient 1 - y² < 0.02).
 *
 * @example
 * const saturated = (y: number) => Math.abs(y) > TANH_SATURATION;
 */
export const TANH_SATURATION = 0.99;

/**
 * What one forward pass through an activation layer looked like. Dim 0 of the input is the
 * batch; every other position is a unit (a 1-D input is one sample).
 *
 * @example
 * model.forward(x);
 * model.activationStats().get('layers.1'); // { activation: 'relu', dead: 0.25, … }
 */
export interface ActivationStats {
  readonly activation: ActivationKind;
  /** Samples in the batch. */
  readonly samples: number;
  /** Units per sample. */
  readonly units: number;
  /**
   * Rectifiers: the fraction of units whose input was ≤ 0 on every sample of the batch —
   * never active, so a ReLU unit got no gradient at all. null for sigmoid and tanh.
   */
  readonly dead: number | null;
  /**
   * Sigmoid and tanh: the fraction of units saturated (output near a rail, see
   * `SIGMOID_SATURATION`, `TANH_SATURATION`) on every sample. null for rectifiers.
   */
  readonly saturated: number | null;
  /** Sigmoid and tanh: the fraction of all outputs that are saturated. null for rectifiers. */
  readonly saturatedOutputs: number | null;
}

/**
 * Measure one forward pass of an activation: `x` its input, `y` its output. Rectifiers are
 * judged on x (PReLU may learn a negative slope), sigmoid and tanh on y.
 *
 * @example
 * measureActivation('relu', x, relu(x)).dead; // 0.5 if half the units never fired
 */
export function measureActivation(kind: ActivationKind, x: Tensor, y: Tensor): ActivationStats {
  const samples = x.ndim >= 2 ? x.shape[0]! : 1;
  const size = x.size;
  const units = samples === 0 ? 0 : size / samples;
  const rectifier = kind === 'relu' || kind === 'leakyRelu' || kind === 'prelu';
  const { values, offset } = flatValues(rectifier ? x : y);
  // per unit: was it ever active (rectifiers) / ever unsaturated (sigmoid, tanh)?
  const ever = new Uint8Array(units);
  let saturatedOutputs = 0;
  if (rectifier) {
    // unit by unit, stopping at the first sample where it fires: this runs on every
    // training step, and most units fire early in the batch
    for (let u = 0; u < units; u++) {
      for (let s = 0, k = offset + u; s < samples; s++, k += units) {
        if (values[k]! > 0) {
          ever[u] = 1;
          break;
        }
      }
    }
  } else {
    for (let s = 0, k = offset; s < samples; s++) {
      for (let u = 0; u < units; u++, k++) {
        const v = values[k]!;
        const sat =
          kind === 'sigmoid'
            ? v < SIGMOID_SATURATION || v > 1 - SIGMOID_SATURATION
            : Math.abs(v) > TANH_SATURATION;
        if (sat) saturatedOutputs++;
        else ever[u] = 1;
      }
    }
  }
  let never = 0;
  for (let u = 0; u < units; u++) if (ever[u] === 0) never++;
  const unitFraction = units === 0 ? 0 : never / units;
  return {
    activation: kind,
    samples,
    units,
    dead: rectifier ? unitFraction : null,
    saturated: rectifier ? null : unitFraction,
    saturatedOutputs: rectifier ? null : size === 0 ? 0 : saturatedOutputs / size,
  };
}
