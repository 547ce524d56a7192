// The optimizers, schedules and gradient clipping of @tapegrad/optim against torch.optim
// (fixtures/optim.json, from scripts/oracle/optim.py): on a fixed smooth problem, the loss
// before every step, and the parameters and each group's lr after it.
import type { Tensor } from '@tapegrad/core';
import {
  Adam,
  AdamW,
  ChainedScheduler,
  CosineAnnealingLR,
  clipGradNorm,
  clipGradValue,
  ExponentialLR,
  LinearWarmup,
  type LRScheduler,
  type Optimizer,
  SequentialLR,
  SGD,
  StepLR,
} from '@tapegrad/optim';
import { describe, expect, it } from 'vitest';
import { type Arr, eachBackend, expectClose, loadFixture, scaleOf, toTensor } from './helpers.js';

export interface OptimizerSpec {
  readonly type: 'SGD' | 'Adam' | 'AdamW';
  readonly options: Record<string, unknown>;
  readonly groups?: ({ params: number[] } & Record<string, unknown>)[];
}

export interface SchedulerSpec {
  readonly type: string;
  readonly options?: Record<string, number>;
  readonly schedulers?: SchedulerSpec[];
  readonly milestones?: number[];
}

export interface TrajectoryCase {
  readonly kind: 'trajectory';
  readonly op: string;
  readonly optimizer: OptimizerSpec;
  readonly scheduler: SchedulerSpec | null;
  readonly problem: { a: Arr[]; t: Arr[]; coupling: number };
  readonly params0: Arr[];
  readonly lrs0: number[];
  readonly steps: { loss: number; params: Arr[]; lrs: number[] }[];
  /**
   * Where tapegrad documents other semantics than PyTorch's schedule: why. `steps` then hold
   * PyTorch running tapegrad's documented closed form (a LambdaLR), `pytorchLrs` the lrs of
   * PyTorch's own schedule.
   */
  readonly divergence?: string;
  readonly pytorchLrs?: number[][];
}

export interface ClipCase {
  readonly kind: 'clip';
  readonly op: 'clipGradNorm' | 'clipGradValue';
  readonly grads: Arr[];
  readonly maxNorm?: number;
  readonly normType?: number | 'inf';
  readonly clipValue?: number;
  readonly total?: number;
  readonly clipped: Arr[];
}

type AnyOptimizer = Optimizer<{ lr: number }, object>;

function makeOptimizer(spec: OptimizerSpec, params: Tensor[]): AnyOptimizer {
  const groups = spec.groups?.map((g) => ({ ...g, params: g.params.map((i) => params[i]!) }));
  // the fixture holds each optimizer's own option names and values
  // biome-ignore lint/suspicious/noExplicitAny: options are checked by the optimizers themselves
  const [ps, options] = [groups ?? params, spec.options] as [any, any];
  switch (spec.type) {
    case 'SGD':
      return new SGD(ps, options) as unknown as AnyOptimizer;
    case 'Adam':
      return new Adam(ps, options) as unknown as AnyOptimizer;
    case 'AdamW':
      return new AdamW(ps, options) as unknown as AnyOptimizer;
  }
}

export function makeScheduler(spec: SchedulerSpec, opt: AnyOptimizer): LRScheduler {
  const o = spec.options ?? {};
  switch (spec.type) {
    case 'ExponentialLR':
      return new ExponentialLR(opt, { gamma: o.gamma! });
    case 'StepLR':
      return new StepLR(opt, { stepSize: o.stepSize!, gamma: o.gamma! });
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(opt, {
        tMax: o.tMax!,
        ...(o.etaMin === undefined ? {} : { etaMin: o.etaMin }),
      });
    case 'LinearWarmup':
      return new LinearWarmup(opt, { warmupSteps: o.warmupSteps!, startFactor: o.startFactor! });
    case 'SequentialLR':
      return new SequentialLR(opt, {
        schedulers: spec.schedulers!.map((s) => makeScheduler(s, opt)),
        milestones: spec.milestones!,
      });
    case 'ChainedScheduler':
      return new ChainedScheduler(spec.schedulers!.map((s) => makeScheduler(s, opt)));
    default:
      throw new Error(`fixture scheduler type '${spec.type}' has no constructor here`);
  }
}

const fixture = loadFixture<TrajectoryCase | ClipCase>('optim');
const trajectories = fixture.cases.filter((c): c is TrajectoryCase => c.kind === 'trajectory');
const clips = fixture.cases.filter((c): c is ClipCase => c.kind === 'clip');

function expectNumber(actual: number, expected: number, scale: number, what: string): void {
  expectClose(
    toTensor({ shape: [], data: [actual] }),
    { shape: [], data: [expected] },
    scale,
    what,
  );
}

function checkTrajectory(c: TrajectoryCase): void {
  const scale = scaleOf([
    ...c.params0,
    ...c.problem.a,
    ...c.problem.t,
    ...c.lrs0,
    ...c.steps.flatMap((s) => [s.loss, ...s.params, ...s.lrs]),
  ]);
  const a = c.problem.a.map((x) => toTensor(x));
  const t = c.problem.t.map((x) => toTensor(x));
  const params = c.params0.map((p) => toTensor(p, true));
  const opt = makeOptimizer(c.optimizer, params);
  const sched = c.scheduler === null ? null : makeScheduler(c.scheduler, opt);
  const lrs = () => opt.paramGroups.map((g) => g.lr);
  c.lrs0.forEach((lr, k) => {
    expectNumber(lrs()[k]!, lr, scale, `initial lr of group ${k}`);
  });
  c.steps.forEach((step, i) => {
    opt.zeroGrad();
    let fit: Tensor | null = null;
    let total: Tensor | null = null;
    params.forEach((p, k) => {
      const f = p.sub(t[k]!).pow(2).mul(a[k]!).sum();
      fit = fit === null ? f : fit.add(f);
      total = total === null ? p.sum() : total.add(p.sum());
    });
    const loss = (fit! as Tensor).add((total! as Tensor).pow(2).mul(c.problem.coupling));
    expectNumber(loss.item(), step.loss, scale, `step ${i + 1}: loss before the step`);
    loss.backward();
    opt.step();
    sched?.step();
    step.params.forEach((p, k) => {
      expectClose(params[k]!.detach(), p, scale, `step ${i + 1}: parameter ${k}`);
    });
    step.lrs.forEach((lr, k) => {
      expectNumber(lrs()[k]!, lr, scale, `step ${i + 1}: lr of group ${k}`);
    });
  });
}

eachBackend(() => {
  describe('trajectories', () => {
    for (const c of trajectories) {
      if (c.divergence === undefined) it(c.op, () => checkTrajectory(c));
      else
        it(`${c.op}: the documented closed form, not PyTorch's recursive one`, () => {
          checkTrajectory(c);
          // the difference is real (drop the case from DIVERGENCES once it is not)
          const gaps = c.steps.flatMap((s, i) =>
            s.lrs.map((lr, k) => Math.abs(lr - c.pytorchLrs![i]![k]!)),
          );
          expect(Math.max(...gaps)).toBeGreaterThan(1e-6);
        });
    }
  });

  describe('gradient clipping', () => {
    it.each(
      clips.map((c) => [`${c.op} ${c.maxNorm ?? c.clipValue} ${c.normType ?? ''}`, c] as const),
    )('%s', (_, c) => {
      const scale = scaleOf([...c.grads, ...c.clipped, c.total]);
      const params = c.grads.map((g) => {
        const p = toTensor({ shape: g.shape, data: g.data.map(() => 0) }, true);
        p.grad = toTensor(g);
        return p;
      });
      if (c.op === 'clipGradNorm') {
        const normType = c.normType === 'inf' ? Number.POSITIVE_INFINITY : c.normType!;
        const total = clipGradNorm(params, c.maxNorm!, { normType });
        expectNumber(total, c.total!, scale, 'total norm');
      } else {
        expect(clipGradValue(params, c.clipValue!)).toBeUndefined();
      }
      params.forEach((p, k) => {
        expectClose(p.grad, c.clipped[k]!, scale, `clipped gradient ${k}`);
      });
    });
  });
});
