// Optimizer state follows its parameters: after `module.to('float64')` (parameters converted in
// place, as Module.to does) the moment and momentum buffers are cast to float64 on the next
// step, and the run continues exactly as a float64 run started from the same state would.
import { noGrad, ShapeError, type Tensor, tensor, zeros } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { Adam, AdamW, type OptimizerStateDict, SGD } from '../src/index.js';

type Opt = SGD | Adam | AdamW;

/** What `Module.to(dtype)` does to a parameter: the same object, its values and grad converted. */
function castInPlace(p: Tensor, dtype: 'float32' | 'float64'): void {
  noGrad(() => {
    p.set_(p.detach().to(dtype));
    if (p.grad !== null) p.grad = p.grad.detach().to(dtype);
  });
}

/** A gradient for each parameter, a fixed function of its values (in its dtype): g = 1.5·p + c. */
function setGrads(params: readonly Tensor[], c: number): void {
  for (const p of params) {
    p.grad = tensor(
      Array.from(p.toTypedArray(), (v) => 1.5 * v + c),
      { shape: p.shape, dtype: p.dtype },
    );
  }
}

function makeParams(dtype: 'float32' | 'float64', values?: readonly Tensor[]): Tensor[] {
  const init = values?.map((t) => Array.from(t.toTypedArray())) ?? [
    [0.5, -1.25, 2, 0.75],
    [0.1, -0.3],
  ];
  return [
    tensor(init[0]!, { shape: [2, 2], dtype, requiresGrad: true }),
    tensor(init[1]!, { shape: [2], dtype, requiresGrad: true }),
  ];
}

/** The state dict's buffers: every typed array of every parameter's state, by "index.key". */
function buffers(sd: OptimizerStateDict): Map<string, ArrayLike<number>> {
  const out = new Map<string, ArrayLike<number>>();
  for (const [i, s] of Object.entries(sd.state)) {
    for (const [key, v] of Object.entries(s)) if (typeof v !== 'number') out.set(`${i}.${key}`, v);
  }
  return out;
}

const optimizers: [string, (params: Tensor[]) => Opt, number][] = [
  ['Adam', (ps) => new Adam(ps, { lr: 0.1, weightDecay: 0.01 }), 2],
  ['Adam with amsgrad', (ps) => new Adam(ps, { lr: 0.1, amsgrad: true }), 3],
  ['AdamW', (ps) => new AdamW(ps, { lr: 0.1, weightDecay: 0.1 }), 2],
  ['SGD with momentum', (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, dampening: 0.1 }), 1],
  [
    'SGD with Nesterov momentum',
    (ps) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true }),
    1,
  ],
];

describe('state buffers follow their parameter to float64 (Module.to after construction)', () => {
  it.each(optimizers)('%s', (_, make, buffersPerParam) => {
    // a float32 run: one step, then the model goes to float64, then more steps
    const a = makeParams('float32');
    const optA = make(a);
    setGrads(a, 0.25);
    optA.step();
    const saved = optA.stateDict();
    for (const v of buffers(saved).values()) expect(v).toBeInstanceOf(Float32Array);
    const after1 = a.map((p) => p.detach().clone());
    for (const p of a) castInPlace(p, 'float64');
    for (let step = 0; step < 3; step++) {
      setGrads(a, -0.5 + step);
      optA.step();
    }
    const bufA = buffers(optA.stateDict());
    expect(bufA.size).toBe(2 * buffersPerParam);
    for (const [k, v] of bufA) expect(v, k).toBeInstanceOf(Float64Array);

    // a float64 run from the same point: the float32 values and state, loaded into float64
    const b = makeParams('float64', after1);
    const optB = make(b);
    optB.loadStateDict(saved);
    for (let step = 0; step < 3; step++) {
      setGrads(b, -0.5 + step);
      optB.step();
    }
    expect(a.map((p) => p.dtype)).toEqual(['float64', 'float64']);
    expect(a.map((p) => Array.from(p.toTypedArray()))).toEqual(
      b.map((p) => Array.from(p.toTypedArray())),
    );
    const bufB = buffers(optB.stateDict());
    for (const [k, v] of bufA) expect(Array.from(v), k).toEqual(Array.from(bufB.get(k)!));
  });

  it('and back to float32: the buffers are rounded to float32, as loadStateDict would', () => {
    const a = makeParams('float64');
    const optA = new Adam(a, { lr: 0.1 });
    setGrads(a, 0.25);
    optA.step();
    const saved = optA.stateDict();
    for (const p of a) castInPlace(p, 'float32');
    const b = makeParams('float32', a);
    const optB = new Adam(b, { lr: 0.1 });
    optB.loadStateDict(saved);
    setGrads(a, 0.5);
    setGrads(b, 0.5);
    optA.step();
    optB.step();
    for (const v of buffers(optA.stateDict()).values()) expect(v).toBeInstanceOf(Float32Array);
    expect(a.map((p) => Array.from(p.toTypedArray()))).toEqual(
      b.map((p) => Array.from(p.toTypedArray())),
    );
  });
});

describe('a state buffer whose shape is not its parameter’s is an error naming the parameter', () => {
  it.each([
    [
      'SGD',
      () => new SGD([tensor([1, 2], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 }),
      'momentumBuffer',
    ],
    ['Adam', () => new Adam([tensor([1, 2], { requiresGrad: true })], { lr: 0.1 }), 'expAvg'],
  ] as const)('%s', (name, make, key) => {
    const opt = make();
    const p = opt.paramGroups[0]!.params[0]!;
    p.grad = tensor([0.5, 0.5]);
    opt.step();
    // what a hand-edited or custom-restored state could hold
    const state = (opt as unknown as { state: Map<Tensor, Record<string, Tensor>> }).state;
    state.get(p)![key] = zeros([3]);
    expect(() => opt.step()).toThrow(ShapeError);
    expect(() => opt.step()).toThrow(
      `${name}.step: paramGroups[0].params[0] (shape [2]) has a ${key} of shape [3] in the optimizer's state; they must match`,
    );
  });
});
