// SequentialLR: one schedule after another, switching at milestones.
import { ValueError } from '@tapegrad/core';
import { checkInteger, checkOptions, show } from './internal/check.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface SequentialLROptions {
  /** The schedules, in order; each made on the same optimizer. */
  readonly schedulers: readonly LRScheduler[];
  /** The epochs at which the next schedule takes over (one fewer than schedules, increasing). */
  readonly milestones: readonly number[];
}

/**
 * Schedules in sequence, as `torch.optim.lr_scheduler.SequentialLR`: before
 * `milestones[0]` the first schedule runs; from `milestones[i − 1]` on, schedule `i`
 * runs from its own epoch 0. Only the SequentialLR is stepped.
 *
 * @example
 * // 5 epochs of warm-up, then cosine annealing over the remaining 95
 * const sched = new SequentialLR(opt, {
 *   schedulers: [
 *     new LinearWarmup(opt, { warmupSteps: 5, startFactor: 0.1 }),
 *     new CosineAnnealingLR(opt, { tMax: 95 }),
 *   ],
 *   milestones: [5],
 * });
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: readonly LRScheduler[];
  readonly milestones: readonly number[];

  constructor(optimizer: SchedulableOptimizer, options: SequentialLROptions) {
    super(optimizer);
    const op = 'SequentialLR';
    const { schedulers, milestones } = checkOptions(
      op,
      options,
      '{ schedulers: [warmup, cosine], milestones: [5] }',
      false,
    );
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      throw new ValueError(op, `schedulers must be a non-empty list, got ${show(schedulers)}`);
    }
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) {
        throw new ValueError(op, `schedulers[${i}] is ${show(s)}, not a scheduler`);
      }
      if (s.optimizer !== optimizer) {
        throw new ValueError(op, `schedulers[${i}] was made on another optimizer`);
      }
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new ValueError(
        op,
        `milestones must list ${schedulers.length - 1} epochs (one fewer than schedulers), got ${show(milestones)}`,
      );
    }
    milestones.forEach((m, i) => {
      checkInteger(op, `milestones[${i}]`, m, i === 0 ? 1 : milestones[i - 1]! + 1);
    });
    this.schedulers = schedulers.slice();
    this.milestones = milestones.slice();
    this.initialStep();
  }

  override lrAt(epoch: number, baseLr: number): number {
    const ms = this.milestones;
    let i = 0;
    while (i < ms.length && epoch >= ms[i]!) i++;
    return this.schedulers[i]!.lrAt(i === 0 ? epoch : epoch - ms[i - 1]!, baseLr);
  }
}
