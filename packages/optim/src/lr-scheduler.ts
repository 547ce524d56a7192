// LRScheduler: the base of the learning-rate schedules. A schedule is a closed form
// lr(epoch, baseLr); the scheduler writes it into every group's lr on each step().
import { ValueError } from '@tapegrad/core';
import { checkInteger, checkNonNegative, show } from './internal/check.js';

/** What a scheduler needs of a parameter group: its lr (any optimizer's groups have one). */
export interface LrGroup {
  lr: number;
  /** The lr before any scheduler changed it; the first scheduler attached sets it. */
  initialLr?: number;
}

/** What a scheduler needs of an optimizer: its groups. `SGD`, `Adam`, `AdamW` all fit. */
export interface SchedulableOptimizer {
  readonly paramGroups: readonly LrGroup[];
}

/** A scheduler's state: plain JSON-able data. */
export interface SchedulerStateDict {
  /** How many times `step()` has run. */
  lastEpoch: number;
  /** Each group's lr at epoch 0 of the schedule. */
  baseLrs: number[];
  /** Each group's lr as last set. */
  lastLrs: number[];
}

/**
 * The base of every learning-rate schedule. Construction sets each group's lr to the
 * schedule's value at epoch 0; each `step()` moves one epoch on (call it after
 * `optimizer.step()`, once per epoch or per iteration — the unit is yours).
 *
 * A subclass gives the closed form `lrAt(epoch, baseLr)` and calls `initialStep()` at the
 * end of its constructor, once its own fields are set.
 *
 * @example
 * class HalveEvery10 extends LRScheduler {
 *   constructor(opt: SchedulableOptimizer) { super(opt); this.initialStep(); }
 *   lrAt(epoch: number, baseLr: number): number { return baseLr * 0.5 ** Math.floor(epoch / 10); }
 * }
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' lr this scheduler sets. */
  readonly optimizer: SchedulableOptimizer;
  /** Each group's lr at epoch 0 (the group's `initialLr`). */
  baseLrs: number[];
  /** How many times `step()` has run. */
  lastEpoch = 0;
  private lastLrs: number[];

  protected constructor(optimizer: SchedulableOptimizer) {
    if (
      optimizer === null ||
      typeof optimizer !== 'object' ||
      !Array.isArray(optimizer.paramGroups)
    ) {
      throw new ValueError(
        this.constructor.name,
        `expected an optimizer (an object with paramGroups), got ${show(optimizer)}`,
      );
    }
    this.optimizer = optimizer;
    // Every scheduler on an optimizer starts from the lr the groups had before the first
    // one changed it, so that several schedulers can be built and composed.
    for (const group of optimizer.paramGroups) group.initialLr ??= group.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastLrs = this.baseLrs.slice();
  }

  /**
   * The schedule's closed form: the lr at `epoch` of a group whose lr at epoch 0 is `baseLr`.
   *
   * @example
   * new StepLR(opt, { stepSize: 10 }).lrAt(25, 0.1); // 0.1 · 0.1² = 0.001
   */
  abstract lrAt(epoch: number, baseLr: number): number;

  /**
   * Move one epoch on and set every group's lr.
   *
   * @example
   * opt.step();
   * scheduler.step();
   */
  step(): void {
    this.lastEpoch += 1;
    this.apply();
  }

  /**
   * The lr of each group as last set by this scheduler.
   *
   * @example
   * scheduler.getLastLr(); // [0.1]
   */
  getLastLr(): number[] {
    return this.lastLrs.slice();
  }

  /**
   * The scheduler's state, to save with the optimizer's.
   *
   * @example
   * const checkpoint = { optim: opt.stateDict(), sched: scheduler.stateDict() };
   */
  stateDict(): SchedulerStateDict {
    return {
      lastEpoch: this.lastEpoch,
      baseLrs: this.baseLrs.slice(),
      lastLrs: this.lastLrs.slice(),
    };
  }

  /**
   * Restore a state from `stateDict()`, and set each group's lr to the saved one.
   *
   * @example
   * scheduler.loadStateDict(checkpoint.sched);
   */
  loadStateDict(state: SchedulerStateDict): void {
    const op = `${this.constructor.name}.loadStateDict`;
    if (state === null || typeof state !== 'object') {
      throw new ValueError(op, `expected { lastEpoch, baseLrs, lastLrs }, got ${show(state)}`);
    }
    const groups = this.optimizer.paramGroups;
    const lastEpoch = checkInteger(op, 'lastEpoch', state.lastEpoch, 0);
    const lists = [state.baseLrs, state.lastLrs].map((list, k) => {
      const name = k === 0 ? 'baseLrs' : 'lastLrs';
      if (!Array.isArray(list) || list.length !== groups.length) {
        throw new ValueError(
          op,
          `${name} must list one lr per parameter group (${groups.length}), got ${show(list)}`,
        );
      }
      return list.map((lr, i) => checkNonNegative(op, `${name}[${i}]`, lr));
    });
    this.lastEpoch = lastEpoch;
    this.baseLrs = lists[0]!;
    this.lastLrs = lists[1]!;
    groups.forEach((g, i) => {
      g.lr = this.lastLrs[i]!;
    });
  }

  /** Set `lastEpoch` to 0 and the groups' lr to the schedule's first value. */
  protected initialStep(): void {
    this.lastEpoch = 0;
    this.apply();
  }

  private apply(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.baseLrs.length) {
      throw new ValueError(
        this.constructor.name,
        `the optimizer has ${groups.length} parameter groups but the scheduler was made for ${this.baseLrs.length}; make the scheduler after adding every group`,
      );
    }
    for (let i = 0; i < groups.length; i++) {
      const lr = this.lrAt(this.lastEpoch, this.baseLrs[i]!);
      groups[i]!.lr = lr;
      this.lastLrs[i] = lr;
    }
  }
}
