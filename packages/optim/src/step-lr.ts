// StepLR: step decay — the lr drops by a factor gamma every stepSize epochs.
import { checkInteger, checkNonNegative, checkOptions } from './internal/check.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface StepLROptions {
  /** Epochs between two drops (a whole number ≥ 1). */
  readonly stepSize: number;
  /** The factor of each drop (default 0.1). */
  readonly gamma?: number;
}

/**
 * Step decay: `lr = baseLr · gamma^⌊epoch / stepSize⌋`, as `torch.optim.lr_scheduler.StepLR`.
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // 0.1, then 0.01 from epoch 30, …
 * for (let epoch = 0; epoch < 90; epoch++) { train(); sched.step(); }
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, options: StepLROptions) {
    super(optimizer);
    const o = checkOptions('StepLR', options, '{ stepSize: 30 }', false);
    this.stepSize = checkInteger('StepLR', 'stepSize', o.stepSize, 1);
    this.gamma = checkNonNegative('StepLR', 'gamma', o.gamma ?? 0.1);
    this.initialStep();
  }

  override lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}
