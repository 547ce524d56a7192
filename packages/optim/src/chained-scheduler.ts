// ChainedScheduler: several schedules at once, each applied to the previous one's lr.
import { ValueError } from '@tapegrad/core';
import { show } from './internal/check.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Schedules applied together: `lr = sₙ.lrAt(epoch, … s₂.lrAt(epoch, s₁.lrAt(epoch, baseLr)))`.
 * For multiplicative schedules (StepLR, ExponentialLR, LinearWarmup) that is the product of
 * their factors, as `torch.optim.lr_scheduler.ChainedScheduler`; a cosine in the chain
 * anneals whatever lr the schedules before it give. Only the chain is stepped.
 *
 * @example
 * // warm up over 5 epochs while decaying by 0.9 per epoch
 * const sched = new ChainedScheduler([
 *   new LinearWarmup(opt, { warmupSteps: 5 }),
 *   new ExponentialLR(opt, { gamma: 0.9 }),
 * ]);
 */
export class ChainedScheduler extends LRScheduler {
  readonly schedulers: readonly LRScheduler[];

  constructor(schedulers: readonly LRScheduler[]) {
    const op = 'ChainedScheduler';
    if (!Array.isArray(schedulers) || schedulers.length === 0) {
      throw new ValueError(op, `expected a non-empty list of schedulers, got ${show(schedulers)}`);
    }
    schedulers.forEach((s, i) => {
      if (!(s instanceof LRScheduler)) {
        throw new ValueError(op, `schedulers[${i}] is ${show(s)}, not a scheduler`);
      }
      if (s.optimizer !== schedulers[0]!.optimizer) {
        throw new ValueError(
          op,
          `schedulers[${i}] was made on another optimizer than schedulers[0]`,
        );
      }
    });
    super(schedulers[0]!.optimizer);
    this.schedulers = schedulers.slice();
    this.initialStep();
  }

  override lrAt(epoch: number, baseLr: number): number {
    let lr = baseLr;
    for (const s of this.schedulers) lr = s.lrAt(epoch, lr);
    return lr;
  }
}
