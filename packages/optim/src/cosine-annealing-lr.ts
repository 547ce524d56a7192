// CosineAnnealingLR: the lr follows half a cosine from its base value down to etaMin.
import { checkInteger, checkNonNegative, checkOptions } from './internal/check.js';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';

export interface CosineAnnealingLROptions {
  /** Epochs from the base lr down to etaMin (a whole number ≥ 1). */
  readonly tMax: number;
  /** The lowest lr (default 0). */
  readonly etaMin?: number;
}

/**
 * Cosine annealing (SGDR without restarts):
 * `lr = etaMin + (baseLr − etaMin) · (1 + cos(π · epoch / tMax)) / 2`, the closed form of
 * `torch.optim.lr_scheduler.CosineAnnealingLR`. Past `tMax` the cosine goes on (back up
 * over the next `tMax` epochs), as PyTorch's does.
 *
 * @example
 * const sched = new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingLROptions) {
    super(optimizer);
    const o = checkOptions('CosineAnnealingLR', options, '{ tMax: 100 }', false);
    this.tMax = checkInteger('CosineAnnealingLR', 'tMax', o.tMax, 1);
    this.etaMin = checkNonNegative('CosineAnnealingLR', 'etaMin', o.etaMin ?? 0);
    this.initialStep();
  }

  override lrAt(epoch: number, baseLr: number): number {
    const eta = this.etaMin;
    return eta + ((baseLr - eta) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}
