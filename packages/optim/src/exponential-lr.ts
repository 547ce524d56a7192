// ExponentialLR: the lr decays by a factor gamma every epoch.
import { checkNonNegative, checkOptions } from './internal/check.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface ExponentialLROptions {
  /** The factor per epoch. */
  readonly gamma: number;
}

/**
 * Exponential decay: `lr = baseLr · gamma^epoch`, as `torch.optim.lr_scheduler.ExponentialLR`.
 *
 * @example
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, options: ExponentialLROptions) {
    super(optimizer);
    const o = checkOptions('ExponentialLR', options, '{ gamma: 0.9 }', false);
    this.gamma = checkNonNegative('ExponentialLR', 'gamma', o.gamma);
    this.initialStep();
  }

  override lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** epoch;
  }
}
