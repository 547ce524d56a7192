// Activation: the base class of activation modules. Each layer measures its training health
// (dead or saturated units) with a forward hook it registers on construction; activationStats()
// and healthReport() read what the hook recorded.
import { Tensor, ValueError } from '@tapegrad/core';
import {
  type ActivationKind,
  type ActivationStats,
  measureActivation,
} from './activation-stats.js';
import { show } from './internal/args.js';
import { setStats, statsOf } from './internal/stats-store.js';
import { Module, type RemovableHandle } from './module.js';

/** The health hook. `kind` is read per pass: a subclass sets it after Activation's constructor. */
/** The forward hook by which an activation records its health (registered on construction). */
export function recordHealth(
  layer: Activation,
  inputs: readonly Tensor[],
  output: Tensor,
): undefined {
  const x = inputs[0];
  if (layer.kind !== null && x !== undefined) {
    setStats(layer, measureActivation(layer.kind, x, output));
  }
  return undefined;
}

/**
 * An elementwise activation layer. Subclasses implement `activate`. A forward hook, on from
 * construction, stores the health of every forward pass (in train or eval mode) in `stats`;
 * `trackHealth(false)` turns it off.
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
  /** The health hook's handle; null while tracking is off. */
  #health: RemovableHandle | null = null;

  constructor() {
    super();
    this.trackHealth(true);
  }

  /** The health of the last forward pass measured; null before the first or with tracking off. */
  get stats(): ActivationStats | null {
    return statsOf(this);
  }

  set stats(stats: ActivationStats | null) {
    setStats(this, stats);
  }

  /** Whether the layer measures its forward passes: true unless `trackHealth(false)`. */
  get tracksHealth(): boolean {
    return this.#health !== null;
  }

  /**
   * Measure every forward pass (`true`, as from construction) or stop (`false`). Off removes
   * the health hook, so a forward pass costs nothing extra, and forgets the statistics, so
   * that numbers from an older pass are never taken for the last one's. On registers the
   * hook again (after any hook registered meanwhile); calling it twice changes nothing. The
   * function `trackHealth(module, enabled)` does it for every activation layer of a network,
   * and `healthReport` turns it back on where it is off.
   *
   * @example
   * const act = new ReLU().trackHealth(false);
   * act.forward(x);
   * act.stats; // null
   */
  trackHealth(enabled = true): this {
    if (enabled && this.#health === null) {
      this.#health = this.registerForwardHook(recordHealth);
    } else if (!enabled && this.#health !== null) {
      this.#health.remove();
      this.#health = null;
      setStats(this, null);
    }
    return this;
  }

  /** The activation function itself. */
  abstract activate(x: Tensor): Tensor;

  override forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) {
      throw new ValueError(this.constructor.name, `the input must be a Tensor, got ${show(x)}`);
    }
    return this.activate(x);
  }
}
