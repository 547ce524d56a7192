// LinearWarmup: the lr rises linearly from startFactor·baseLr to baseLr, then stays.
import { checkInteger, checkOptions, checkRange } from './internal/check.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface LinearWarmupOptions {
  /** Epochs to reach the base lr (a whole number ≥ 1). */
  readonly warmupSteps: number;
  /** The fraction of the base lr at epoch 0, in [0, 1] (default 0). */
  readonly startFactor?: number;
}

/**
 * Linear warm-up: `lr = baseLr · (s + (1 − s) · min(epoch, warmupSteps) / warmupSteps)`
 * with `s = startFactor` — `torch.optim.lr_scheduler.LinearLR(start_factor=s,
 * end_factor=1, total_iters=warmupSteps)`. Compose it with a decay by `SequentialLR`.
 *
 * @example
 * const sched = new LinearWarmup(opt, { warmupSteps: 5, startFactor: 0.1 });
 */
export class LinearWarmup extends LRScheduler {
  readonly warmupSteps: number;
  readonly startFactor: number;

  constructor(optimizer: SchedulableOptimizer, options: LinearWarmupOptions) {
    super(optimizer);
    const o = checkOptions('LinearWarmup', options, '{ warmupSteps: 5 }', false);
    this.warmupSteps = checkInteger('LinearWarmup', 'warmupSteps', o.warmupSteps, 1);
    this.startFactor = checkRange('LinearWarmup', 'startFactor', o.startFactor ?? 0, {
      lo: 0,
      hi: 1,
    });
    this.initialStep();
  }

  override lrAt(epoch: number, baseLr: number): number {
    const s = this.startFactor;
    return baseLr * (s + ((1 - s) * Math.min(epoch, this.warmupSteps)) / this.warmupSteps);
  }
}
