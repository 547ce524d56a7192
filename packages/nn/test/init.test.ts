// Initializers: the variances they promise, reproducibility from an Rng, and the notes'
// point — small random numbers make a deep ReLU net's activations vanish, He init does not.
import { Rng, randn, type Tensor, ValueError, zeros } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import {
  calculateGain,
  fans,
  kaimingNormal,
  kaimingUniform,
  Linear,
  lecunNormal,
  MLP,
  ReLU,
  Sequential,
  smallRandom,
  xavierNormal,
  xavierUniform,
} from '../src/index.js';

function moments(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const d = Array.from(t.toTypedArray());
  const mean = d.reduce((s, v) => s + v, 0) / d.length;
  const std = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length);
  return { mean, std, min: Math.min(...d), max: Math.max(...d) };
}

function expectStd(t: Tensor, std: number): void {
  const m = moments(t);
  expect(Math.abs(m.mean)).toBeLessThan(0.05 * std);
  expect(m.std / std).toBeGreaterThan(0.97);
  expect(m.std / std).toBeLessThan(1.03);
}

describe('initializers', () => {
  it('fans: the last dim feeds a unit, the one before counts the units', () => {
    expect(fans([4, 3])).toEqual({ fanIn: 3, fanOut: 4 });
    expect(fans([2, 4, 3])).toEqual({ fanIn: 3, fanOut: 4 });
    expect(fans([5])).toEqual({ fanIn: 5, fanOut: 1 });
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(calculateGain('sigmoid')).toBe(1);
    expect(calculateGain('leakyRelu', 0.2)).toBeCloseTo(Math.sqrt(2 / 1.04), 12);
  });

  it('have the variances they promise', () => {
    const rng = new Rng(0);
    const w = (): Tensor => zeros([300, 200]);
    expectStd(smallRandom(w(), rng), 0.01);
    expectStd(smallRandom(w(), rng, { std: 0.1 }), 0.1);
    expectStd(lecunNormal(w(), rng), 1 / Math.sqrt(200));
    expectStd(xavierNormal(w(), rng), Math.sqrt(2 / 500));
    expectStd(kaimingNormal(w(), rng), Math.sqrt(2 / 200));
    expectStd(kaimingNormal(w(), rng, { mode: 'fanOut' }), Math.sqrt(2 / 300));
    expectStd(kaimingNormal(w(), rng, { nonlinearity: 'tanh' }), 5 / 3 / Math.sqrt(200));
    const xu = moments(xavierUniform(w(), rng, { gain: 2 }));
    const a = 2 * Math.sqrt(6 / 500);
    expect(xu.min).toBeGreaterThanOrEqual(-a);
    expect(xu.max).toBeLessThan(a);
    expect(xu.std / (a / Math.sqrt(3))).toBeCloseTo(1, 1);
    const ku = moments(kaimingUniform(w(), rng));
    expect(ku.max).toBeLessThan(Math.sqrt(6 / 200));
    expect(ku.std / Math.sqrt(2 / 200)).toBeCloseTo(1, 1);
  });

  it('are reproducible from an Rng, and refuse tensors they must not write', () => {
    const a = kaimingNormal(zeros([3, 4]), new Rng(9));
    const b = kaimingNormal(zeros([3, 4]), new Rng(9));
    expect(a.toArray()).toEqual(b.toArray());
    expect(() => xavierNormal(randn([3, 4], { requiresGrad: true }).mul(2), new Rng(0))).toThrow(
      ValueError,
    );
    expect(() => xavierNormal(randn([4, 3]).T, new Rng(0))).toThrow(ValueError);
    expect(() => smallRandom(zeros([2]), new Rng(0), { std: -1 })).toThrow(ValueError);
  });

  it('layers take an init option; MLP picks Xavier for tanh and He for ReLU', () => {
    const fc = new Linear(200, 300, { init: 'xavier', rng: new Rng(1) });
    expectStd(fc.weight, Math.sqrt(2 / 500));
    const custom = new Linear(2, 2, { init: (w) => w.fill_(0.5) }); // run under noGrad
    expect(custom.weight.toArray()).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    const tanhNet = new MLP([200, 300, 10], { activation: 'tanh', rng: new Rng(2) });
    expectStd(tanhNet.parameters()[0]!, Math.sqrt(2 / 500));
    const reluNet = new MLP([200, 300, 10], { rng: new Rng(3) });
    expectStd(reluNet.parameters()[0]!, Math.sqrt(2 / 200));
  });

  it("the notes' warning: small random weights make activations vanish in a deep ReLU net", () => {
    const depth = 10;
    const width = 200;
    const deep = (init: 'small' | 'kaiming'): Sequential => {
      const rng = new Rng(4);
      const net = new Sequential();
      for (let i = 0; i < depth; i++)
        net.append(new Linear(width, width, { init, rng })).append(new ReLU());
      return net;
    };
    const x = randn([100, width], { rng: new Rng(5) });
    const small = moments(deep('small').forward(x)).std;
    const he = moments(deep('kaiming').forward(x)).std;
    expect(small).toBeLessThan(1e-8); // ≈ 0.07ᵈᵉᵖᵗʰ of the input's scale
    expect(he).toBeGreaterThan(0.2);
    expect(he).toBeLessThan(5);
  });
});
