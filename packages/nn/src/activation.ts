// Activation: the base class of activation modules. Its forward applies the function and
// records the layer's training health (dead or saturated units) for activationStats().
import type { Tensor } from '@tapegrad/core';
import { type ActivationKind, type ActivationStats, measureActivation } from './health.js';
import { statsEnabled } from './internal/stats-switch.js';
import { Module } from './module.js';

/**
 * An elementwise activation layer. Subclasses implement `activate`; every forward pass
 * (in train or eval mode) stores the layer's health in `stats`.
 *
 * @example
 * class Softplus extends Activation {
 *   readonly kind = null;                        // no health statistics for this one
 *   activate(x: Tensor) { return x.exp().add(1).log(); }
 * }
 */
export abstract class Activation extends Module {
  /** Which health statistics to measure; null for none. */
  abstract readonly kind: ActivationKind | null;
  /** The health of the last forward pass; null before the first. */
  stats: ActivationStats | null = null;

  /** The activation function itself. */
  abstract activate(x: Tensor): Tensor;

  override forward(x: Tensor): Tensor {
    const y = this.activate(x);
    if (this.kind !== null && statsEnabled()) this.stats = measureActivation(this.kind, x, y);
    return y;
  }

  override ownActivationStats(): ActivationStats | null {
    return this.stats;
  }
}
