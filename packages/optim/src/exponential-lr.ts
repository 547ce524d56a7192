// ExponentialLR: the lr decays by a factor gamma every epoch.
import { checkNonNegative } from './internal/check.js';
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
    this.gamma = checkNonNegative('ExponentialLR', 'gamma', options?.gamma);
    this.initialStep();
  }

  override lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** epoch;
  }
}
