// Learning-rate schedules: their values epoch by epoch, composition, use with any optimizer.
import { ValueError } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  ChainedScheduler,
  CosineAnnealingLR,
  ExponentialLR,
  LinearWarmup,
  type LRScheduler,
  SequentialLR,
  SGD,
  StepLR,
} from '../src/index.js';
import { expectClose, param } from './helpers.js';

function sgd(lr = 1): SGD {
  return new SGD([param([1])], { lr });
}

/** The group lr at epochs 0…n−1 (epoch 0 is set by the constructor). */
function lrs(opt: { paramGroups: { lr: number }[] }, sched: LRScheduler, n: number): number[] {
  const out: number[] = [];
  for (let e = 0; e < n; e++) {
    if (e > 0) sched.step();
    out.push(opt.paramGroups[0]!.lr);
    expect(sched.getLastLr()).toEqual([opt.paramGroups[0]!.lr]);
  }
  return out;
}

describe('schedules', () => {
  it('StepLR: lr·γ^⌊epoch/stepSize⌋', () => {
    const opt = sgd(0.8);
    expectClose(
      lrs(opt, new StepLR(opt, { stepSize: 3, gamma: 0.5 }), 8),
      [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2],
    );
    const opt2 = sgd(1);
    expectClose(lrs(opt2, new StepLR(opt2, { stepSize: 1 }), 3), [1, 0.1, 0.01]); // gamma 0.1 by default
  });

  it('ExponentialLR: lr·γ^epoch', () => {
    const opt = sgd(2);
    expectClose(lrs(opt, new ExponentialLR(opt, { gamma: 0.9 }), 5), [2, 1.8, 1.62, 1.458, 1.3122]);
  });

  it('CosineAnnealingLR: from lr down to etaMin over tMax, then back up', () => {
    const opt = sgd(1);
    const got = lrs(opt, new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.2 }), 9);
    // η + (1 − η)·(1 + cos(π·e/4))/2 with η = 0.2: cos = 1, √½, 0, −√½, −1, then mirrored.
    const c = Math.SQRT1_2;
    const at = (cos: number) => 0.2 + (0.8 * (1 + cos)) / 2;
    expectClose(got, [1, at(c), 0.6, at(-c), 0.2, at(-c), 0.6, at(c), 1], 1e-12);
  });

  it('LinearWarmup: from startFactor·lr up to lr in warmupSteps, then constant', () => {
    const opt = sgd(1);
    expectClose(
      lrs(opt, new LinearWarmup(opt, { warmupSteps: 4, startFactor: 0.2 }), 7),
      [0.2, 0.4, 0.6, 0.8, 1, 1, 1],
    );
    const opt2 = sgd(1);
    expectClose(lrs(opt2, new LinearWarmup(opt2, { warmupSteps: 2 }), 3), [0, 0.5, 1]); // startFactor 0
  });

  it('scales each group from its own base lr', () => {
    const opt = new SGD([{ params: [param([1])] }, { params: [param([1])], lr: 0.01 }], {
      lr: 0.1,
    });
    const sched = new ExponentialLR(opt, { gamma: 0.5 });
    sched.step();
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.05, 0.005]);
    expect(sched.baseLrs).toEqual([0.1, 0.01]);
  });
});

describe('composition', () => {
  it('SequentialLR: warm-up, then cosine from its own epoch 0', () => {
    const opt = sgd(1);
    const sched = new SequentialLR(opt, {
      schedulers: [
        new LinearWarmup(opt, { warmupSteps: 2, startFactor: 0.5 }),
        new CosineAnnealingLR(opt, { tMax: 2 }),
      ],
      milestones: [2],
    });
    // Epochs 0, 1: warm-up 0.5, 0.75; from epoch 2 the cosine at its epochs 0, 1, 2: 1, 0.5, 0.
    expectClose(lrs(opt, sched, 5), [0.5, 0.75, 1, 0.5, 0], 1e-12);
  });

  it('SequentialLR with three schedules and two milestones', () => {
    const opt = sgd(1);
    const sched = new SequentialLR(opt, {
      schedulers: [
        new LinearWarmup(opt, { warmupSteps: 1, startFactor: 0.5 }),
        new ExponentialLR(opt, { gamma: 0.5 }),
        new StepLR(opt, { stepSize: 1, gamma: 0.1 }),
      ],
      milestones: [1, 3],
    });
    expectClose(lrs(opt, sched, 5), [0.5, 1, 0.5, 1, 0.1]);
  });

  it('ChainedScheduler: the product of multiplicative schedules', () => {
    const opt = sgd(1);
    const sched = new ChainedScheduler([
      new LinearWarmup(opt, { warmupSteps: 2, startFactor: 0.5 }),
      new ExponentialLR(opt, { gamma: 0.5 }),
    ]);
    expectClose(lrs(opt, sched, 4), [0.5 * 1, 0.75 * 0.5, 1 * 0.25, 1 * 0.125]);
  });

  it('drives Adam as it drives SGD', () => {
    // Under a constant gradient Adam moves p by lr·g/(|g| + eps) ≈ lr per step, so the
    // distance travelled is the sum of the scheduled lrs.
    const p = param([0]);
    const opt = new Adam([p], { lr: 0.1 });
    const sched = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    for (let i = 0; i < 4; i++) {
      p.grad = param([1]).detach();
      opt.step();
      sched.step();
    }
    expect(p.item()).toBeCloseTo(-(0.1 + 0.1 + 0.05 + 0.05), 6);
    expect(opt.paramGroups[0]!.initialLr).toBe(0.1);
  });
});

describe('scheduler errors name the option and the value', () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'stepSize 0',
      () => new StepLR(sgd(), { stepSize: 0 }),
      /StepLR: stepSize must be a whole number ≥ 1, got 0/,
    ],
    [
      'negative gamma',
      () => new ExponentialLR(sgd(), { gamma: -0.5 }),
      /ExponentialLR: gamma must be a number in \[0, ∞\), got -0\.5/,
    ],
    [
      'a fractional tMax',
      () => new CosineAnnealingLR(sgd(), { tMax: 1.5 }),
      /tMax must be a whole number ≥ 1, got 1\.5/,
    ],
    [
      'startFactor above 1',
      () => new LinearWarmup(sgd(), { warmupSteps: 3, startFactor: 2 }),
      /startFactor must be a number in \[0, 1\], got 2/,
    ],
    [
      'not an optimizer',
      () => new StepLR({} as SGD, { stepSize: 1 }),
      /expected an optimizer \(an object with paramGroups\), got an object/,
    ],
    [
      'milestones of the wrong length',
      () => {
        const opt = sgd();
        return new SequentialLR(opt, {
          schedulers: [new StepLR(opt, { stepSize: 1 }), new StepLR(opt, { stepSize: 1 })],
          milestones: [],
        });
      },
      /milestones must list 1 epochs \(one fewer than schedulers\), got \[\]/,
    ],
    [
      'milestones not increasing',
      () => {
        const opt = sgd();
        const s = () => new StepLR(opt, { stepSize: 1 });
        return new SequentialLR(opt, { schedulers: [s(), s(), s()], milestones: [3, 3] });
      },
      /milestones\[1\] must be a whole number ≥ 4, got 3/,
    ],
    [
      'a schedule made on another optimizer',
      () => {
        const opt = sgd();
        return new SequentialLR(opt, {
          schedulers: [new StepLR(sgd(), { stepSize: 1 })],
          milestones: [],
        });
      },
      /schedulers\[0\] was made on another optimizer/,
    ],
    [
      'an empty chain',
      () => new ChainedScheduler([]),
      /ChainedScheduler: expected a non-empty list of schedulers, got \[\]/,
    ],
  ];
  for (const [what, make, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(make).toThrow(ValueError);
      expect(make).toThrow(message);
    });
  }

  it('refuses to step once a group was added after it was made', () => {
    const opt = sgd();
    const sched = new StepLR(opt, { stepSize: 1 });
    opt.addParamGroup({ params: [param([2])] });
    expect(() => sched.step()).toThrow(
      /the optimizer has 2 parameter groups but the scheduler was made for 1/,
    );
  });
});
