// Optimizer and scheduler state: saving mid-training and resuming on new objects gives
// the same trajectory as not stopping; bad state dicts are refused and change nothing.
import { noGrad, Rng, randn, ShapeError, type Tensor, tensor, ValueError } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  CosineAnnealingLR,
  LinearWarmup,
  type LRScheduler,
  type OptimizerStateDict,
  type SchedulerStateDict,
  SequentialLR,
  SGD,
  StepLR,
} from '../src/index.js';
import { param, values } from './helpers.js';

type Opt = SGD | Adam | AdamW;

/** Parameters (a weight with decay, a bias without) of a least-squares problem. */
function makeParams(init?: number[][]): Tensor[] {
  const rng = new Rng(1);
  const w = randn([3, 2], { rng, dtype: 'float64', requiresGrad: true });
  const b = randn([2], { rng, dtype: 'float64', requiresGrad: true });
  if (init) {
    noGrad(() => {
      w.copy_(tensor(init[0]!, { shape: w.shape, dtype: 'float64' }));
      b.copy_(tensor(init[1]!, { shape: b.shape, dtype: 'float64' }));
    });
  }
  return [w, b];
}

const X = randn([6, 3], { rng: new Rng(2), dtype: 'float64' });
const Y = randn([6, 2], { rng: new Rng(3), dtype: 'float64' });

/** One training step on minibatch `step % 3` (the bias has no gradient on every 4th step). */
function trainStep(opt: Opt, sched: LRScheduler | null, [w, b]: Tensor[], step: number): void {
  opt.zeroGrad();
  const x = X.slice(0, 2 * (step % 3), 2 * (step % 3) + 2);
  const y = Y.slice(0, 2 * (step % 3), 2 * (step % 3) + 2);
  const pred = step % 4 === 3 ? x.matmul(w!) : x.matmul(w!).add(b!);
  pred.sub(y).pow(2).mean().backward();
  opt.step();
  sched?.step();
}

const setups: [string, (ps: Tensor[]) => { opt: Opt; sched: LRScheduler | null }][] = [
  [
    'SGD + momentum + Nesterov + weight decay, StepLR',
    ([w, b]) => {
      const opt = new SGD([{ params: [w!], weightDecay: 0.01 }, { params: [b!] }], {
        lr: 0.1,
        momentum: 0.9,
        nesterov: true,
      });
      return { opt, sched: new StepLR(opt, { stepSize: 4, gamma: 0.5 }) };
    },
  ],
  [
    'Adam + AMSGrad, warm-up then cosine',
    (ps) => {
      const opt = new Adam(ps, { lr: 0.05, amsgrad: true });
      const sched = new SequentialLR(opt, {
        schedulers: [
          new LinearWarmup(opt, { warmupSteps: 3, startFactor: 0.2 }),
          new CosineAnnealingLR(opt, { tMax: 20 }),
        ],
        milestones: [3],
      });
      return { opt, sched };
    },
  ],
  ['AdamW, no scheduler', (ps) => ({ opt: new AdamW(ps, { lr: 0.05 }), sched: null })],
];

/** What a checkpoint on disk would hold, as JSON: typed arrays become number lists. */
function throughJson<T>(x: T): T {
  return JSON.parse(
    JSON.stringify(x, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)),
  );
}

/** The same through a plain `JSON.stringify`, which writes a typed array as `{"0": …, "1": …}`. */
function throughPlainJson<T>(x: T): T {
  return JSON.parse(JSON.stringify(x));
}

const checkpointVia = {
  structuredClone,
  JSON: throughJson,
  'plain JSON.stringify': throughPlainJson,
} as const;

describe('stateDict / loadStateDict resume training exactly', () => {
  for (const [name, make] of setups) {
    for (const via of Object.keys(checkpointVia) as (keyof typeof checkpointVia)[]) {
      it(`${name} (saved through ${via})`, () => {
        const ps = makeParams();
        const { opt, sched } = make(ps);
        for (let s = 0; s < 20; s++) trainStep(opt, sched, ps, s);
        const uninterrupted = ps.map(values);

        const qs = makeParams();
        const first = make(qs);
        for (let s = 0; s < 10; s++) trainStep(first.opt, first.sched, qs, s);
        const saved = {
          params: qs.map(values),
          optim: first.opt.stateDict(),
          sched: first.sched?.stateDict() ?? null,
        };
        const checkpoint = checkpointVia[via](saved);

        // A new process: new parameters, optimizer and scheduler, then the checkpoint.
        const rs = makeParams(checkpoint.params);
        const resumed = make(rs);
        resumed.opt.loadStateDict(checkpoint.optim as OptimizerStateDict);
        if (checkpoint.sched) resumed.sched!.loadStateDict(checkpoint.sched as SchedulerStateDict);
        for (let s = 10; s < 20; s++) trainStep(resumed.opt, resumed.sched, rs, s);

        rs.forEach((p, i) => {
          expect(values(p)).toEqual(uninterrupted[i]);
        });
      });
    }
  }

  it('a saved state dict is a snapshot: training on does not change it', () => {
    const ps = makeParams();
    const opt = new Adam(ps, { lr: 0.1 });
    trainStep(opt, null, ps, 0);
    const saved = opt.stateDict();
    const before = structuredClone(saved);
    trainStep(opt, null, ps, 1);
    expect(saved).toEqual(before);
    expect(saved.paramGroups[0]).toEqual({
      lr: 0.1,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      params: [0, 1],
    });
  });

  it('restores group options and initialLr, and casts buffers to the parameter dtype', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    new StepLR(opt, { stepSize: 1, gamma: 0.5 }).step();
    p.grad = tensor([1, 1], { dtype: 'float64' });
    opt.step();
    const sd = opt.stateDict();
    expect(sd.paramGroups[0]).toMatchObject({ lr: 0.05, initialLr: 0.1 });

    const q = param([1, 2], 'float32');
    const opt2 = new SGD([q], { lr: 1, momentum: 0.5 });
    opt2.loadStateDict(sd);
    expect(opt2.paramGroups[0]).toMatchObject({ lr: 0.05, momentum: 0.9, initialLr: 0.1 });
    const buf = opt2.stateDict().state[0]!.momentumBuffer;
    expect(buf).toBeInstanceOf(Float32Array);
    expect(Array.from(buf as Float32Array)).toEqual([1, 1]);
  });
});

describe('loadStateDict refuses a state dict that does not fit, and changes nothing', () => {
  function trained(): { opt: SGD; sd: OptimizerStateDict } {
    const ps = makeParams();
    const opt = new SGD([{ params: [ps[0]!] }, { params: [ps[1]!], lr: 0.01 }], {
      lr: 0.1,
      momentum: 0.9,
    });
    trainStep(opt, null, ps, 0);
    return { opt, sd: opt.stateDict() };
  }

  const cases: [string, (sd: OptimizerStateDict) => unknown, RegExp, typeof ValueError][] = [
    [
      'another number of groups',
      (sd) => ({ ...sd, paramGroups: sd.paramGroups.slice(0, 1) }),
      /has 1 parameter groups but this optimizer has 2/,
      ValueError,
    ],
    [
      'another number of parameters in a group',
      (sd) => ({
        ...sd,
        paramGroups: [sd.paramGroups[0], { ...sd.paramGroups[1], params: [1, 2] }],
      }),
      /paramGroups\[1\] holds 2 parameters in the state dict but 1 in this optimizer/,
      ValueError,
    ],
    [
      'a buffer of the wrong size',
      (sd) => ({ ...sd, state: { ...sd.state, 1: { momentumBuffer: new Float64Array(5) } } }),
      /state\[1\]\.momentumBuffer has 5 values but its parameter has shape \[2\] \(2 values\)/,
      ShapeError,
    ],
    [
      'an unknown state entry',
      (sd) => ({ ...sd, state: { 0: { ...sd.state[0], expAvg: new Float64Array(6) } } }),
      /state\[0\] has an unknown option "expAvg"/,
      ValueError,
    ],
    [
      "another optimizer's options",
      (sd) => ({ ...sd, paramGroups: sd.paramGroups.map((g) => ({ ...g, betas: [0.9, 0.999] })) }),
      /paramGroups\[0\] has an unknown option "betas"/,
      ValueError,
    ],
    [
      'a bad option value',
      (sd) => ({ ...sd, paramGroups: [{ ...sd.paramGroups[0]!, momentum: 2 }, sd.paramGroups[1]] }),
      /SGD\.loadStateDict: paramGroups\[0\]\.momentum must be a number in \[0, 1\), got 2/,
      ValueError,
    ],
    [
      'not a state dict',
      () => 42,
      /expected \{ state, paramGroups \} from stateDict\(\), got 42/,
      ValueError,
    ],
  ];
  for (const [what, corrupt, message, kind] of cases) {
    it(`refuses ${what}`, () => {
      const { opt, sd } = trained();
      const load = () => opt.loadStateDict(corrupt(structuredClone(sd)) as OptimizerStateDict);
      expect(load).toThrow(kind);
      expect(load).toThrow(message);
      expect(opt.stateDict()).toEqual(sd);
    });
  }
});

describe('scheduler state', () => {
  it('loadStateDict restores the epoch and sets the groups to the saved lr', () => {
    const opt = new SGD([param([1])], { lr: 1 });
    const sched = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
    for (let i = 0; i < 5; i++) sched.step();
    const sd = sched.stateDict();
    expect(sd).toEqual({ lastEpoch: 5, baseLrs: [1], lastLrs: [0.25] });

    const opt2 = new SGD([param([1])], { lr: 1 });
    const sched2 = new StepLR(opt2, { stepSize: 2, gamma: 0.5 });
    sched2.loadStateDict(structuredClone(sd));
    expect(opt2.paramGroups[0]!.lr).toBe(0.25);
    sched2.step();
    expect(opt2.paramGroups[0]!.lr).toBe(0.125);
    expect(() => sched2.loadStateDict({ ...sd, baseLrs: [1, 2] })).toThrow(
      /StepLR\.loadStateDict: baseLrs must list one lr per parameter group \(1\), got \[1, 2\]/,
    );
  });
});
