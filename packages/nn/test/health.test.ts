// Training health: dead ReLU units and saturated sigmoid/tanh units, per layer by name.
import { noGrad, Rng, randn, tensor } from '@tapegrad/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  healthReport,
  LeakyReLU,
  Linear,
  MLP,
  measureActivation,
  Neuron,
  PReLU,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from '../src/index.js';

describe('activation statistics', () => {
  it('ReLU: the fraction of units never active over the batch', () => {
    const relu = new ReLU();
    expect(relu.stats).toBeNull();
    // unit 0 and unit 2 are ≤ 0 on every sample: half the units are dead
    relu.forward(
      tensor([
        [-1, 2, 0, -3],
        [-2, -1, -5, 0.5],
        [-0.1, -1, -1, -1],
      ]),
    );
    expect(relu.stats).toEqual({
      activation: 'relu',
      samples: 3,
      units: 4,
      dead: 0.5,
      saturated: null,
      saturatedOutputs: null,
    });
  });

  it('ReLU: a strided input (a transposed view, a slice past an offset) is read as its values', () => {
    // stored [units, samples]: its transpose has 3 samples of 4 units; units 1 and 3 are dead
    const stored = tensor([
      [2, -1, -1],
      [-1, 0, -4],
      [-1, -1, 0.5],
      [-3, -2, -1],
    ]);
    expect(measureActivation('relu', stored.T, stored.T.relu()).dead).toBe(0.5);
    // rows 1..2 of a [3,2]: unit 0 fires only in row 0, which the slice leaves out
    const rows = tensor([
      [1, -1],
      [-1, 2],
      [0, -1],
    ]).slice(0, 1, 3);
    expect(measureActivation('relu', rows, rows.relu()).dead).toBe(0.5);
  });

  it('sigmoid: units saturated (< 0.01 or > 0.99) on every sample, and saturated outputs', () => {
    const s = new Sigmoid();
    // unit 0 sits on the low rail, unit 2 flips between rails, unit 1 stays in the middle
    s.forward(
      tensor([
        [-10, 0, 10],
        [-10, 0, -10],
      ]),
    );
    expect(s.stats!.saturated).toBeCloseTo(2 / 3, 12);
    expect(s.stats!.saturatedOutputs).toBeCloseTo(4 / 6, 12);
    expect(s.stats!.dead).toBeNull();
    // the thresholds: σ(4.5) = 0.989 is not saturated, σ(4.7) = 0.991 is
    expect(measureActivation('sigmoid', tensor([4.5]), tensor([4.5]).sigmoid()).saturated).toBe(0);
    expect(measureActivation('sigmoid', tensor([4.7]), tensor([4.7]).sigmoid()).saturated).toBe(1);
  });

  it('tanh: |output| > 0.99 is saturated', () => {
    const t = new Tanh();
    t.forward(tensor([[2.6, -2.7, 0, 30]])); // tanh(2.6) = 0.989, tanh(2.7) = 0.991
    expect(t.stats).toMatchObject({ samples: 1, units: 4, saturated: 0.5, saturatedOutputs: 0.5 });
  });

  it('leaky ReLU and PReLU report the units never in their positive regime', () => {
    const x = tensor([
      [-1, 1],
      [-2, -1],
    ]);
    const leaky = new LeakyReLU();
    leaky.forward(x);
    expect(leaky.stats!.dead).toBe(0.5);
    const p = new PReLU();
    noGrad(() => p.weight.fill_(-1)); // a negative slope makes outputs positive; x still decides
    p.forward(x);
    expect(p.stats!.dead).toBe(0.5);
  });

  it('a large batch: a unit firing on one late sample is alive; NaN is not > 0', () => {
    // 200 samples: units 0-9 fire on one sample each, late in the batch; units 10-14 never;
    // unit 15 sees a NaN and one positive input, unit 16 a NaN and nothing positive; the
    // others fire on every sample. With 80 units the quiet ones are few, with 40 they are not.
    for (const units of [80, 40]) {
      const samples = 200;
      const x = Array.from({ length: samples }, (_, s) =>
        Array.from({ length: units }, (_, u) => {
          if (u < 10) return s === samples - 1 - u ? 0.5 : -1;
          if (u < 15) return s % 2 === 0 ? 0 : -2;
          if (u < 17) return s === 0 ? Number.NaN : u === 15 && s === 150 ? 3 : -1;
          return 1;
        }),
      );
      const stats = measureActivation('relu', tensor(x), tensor(x).relu());
      expect(stats).toMatchObject({ samples, units, dead: 6 / units });
    }
  });

  it('dead units: the count of a plain scan over every sample, for any batch size', () => {
    // sparse firing (each input fires with a small chance, some units never), batches of 1 to
    // 40 samples: every split of the rows into passes of eight and a rest of one to seven
    const batches = fc
      .record({ samples: fc.integer({ min: 1, max: 40 }), units: fc.integer({ min: 1, max: 12 }) })
      .chain(({ samples, units }) =>
        fc
          .array(fc.constantFrom(-1, -1, -1, -1, -1, -1, -1, 0, Number.NaN, 2), {
            minLength: samples * units,
            maxLength: samples * units,
          })
          .map((values) => ({ samples, units, values })),
      );
    fc.assert(
      fc.property(batches, ({ samples, units, values }) => {
        let dead = 0;
        for (let j = 0; j < units; j++) {
          let fired = false;
          for (let i = 0; i < samples; i++) if (values[i * units + j]! > 0) fired = true;
          if (!fired) dead++;
        }
        const x = tensor(values, { shape: [samples, units] });
        expect(measureActivation('relu', x, x.relu()).dead).toBe(dead / units);
      }),
      { numRuns: 300 },
    );
  });

  it('saturation rails are compared as numbers, not as float32 values', () => {
    // float32's 0.01 is below 0.01 and its 0.99 above 0.99: both saturated
    const y = tensor([Math.fround(0.01), Math.fround(0.99), 0.5]);
    expect(measureActivation('sigmoid', y, y).saturatedOutputs).toBeCloseTo(2 / 3, 12);
    const t = tensor([Math.fround(-0.99), 0.98]);
    expect(measureActivation('tanh', t, t).saturatedOutputs).toBe(0.5);
  });

  it('a module lists every activation layer by dotted name, in train and eval mode', () => {
    const net = new MLP([4, 8, 8, 2], { rng: new Rng(0) });
    expect(net.activationStats().size).toBe(0);
    net.eval().forward(randn([16, 4], { rng: new Rng(1) }));
    expect([...net.activationStats().keys()]).toEqual(['1', '3']);
    const neuron = new Neuron(3);
    neuron.forward(randn([5, 3]));
    expect([...neuron.activationStats().keys()]).toEqual(['activation']);
  });

  it("a Neuron is one unit: a batch is its samples, whatever the input's leading dims", () => {
    const neuron = new Neuron(1, { activation: 'relu' });
    noGrad(() => neuron.weight.fill_(1));
    // the unit fires on 2 of the 4 samples: alive
    neuron.forward(tensor([[-1], [2], [-3], [4]]));
    expect(neuron.activationStats().get('activation')).toMatchObject({
      samples: 4,
      units: 1,
      dead: 0,
    });
    neuron.forward(
      tensor([
        [[-1], [-2]],
        [[-3], [-4]],
      ]),
    );
    expect(neuron.activationStats().get('activation')).toMatchObject({
      samples: 4,
      units: 1,
      dead: 1,
    });
    // one input vector: one sample; the outputs keep their shapes
    expect(neuron.forward(tensor([5])).shape).toEqual([]);
    expect(neuron.activationStats().get('activation')).toMatchObject({ samples: 1, units: 1 });
    expect(neuron.forward(tensor([[[-1], [-2]]])).shape).toEqual([1, 2]);
  });

  it('a network pushed into the dead zone reports it; summary() does not overwrite the stats', () => {
    const fc = new Linear(3, 10, { rng: new Rng(2) });
    const net = new Sequential(fc, new ReLU());
    noGrad(() => fc.bias!.fill_(-100)); // a large negative bias, as after a too-large update
    net.forward(randn([64, 3], { rng: new Rng(3) }));
    expect(net.activationStats().get('1')!.dead).toBe(1);
    noGrad(() => fc.bias!.fill_(100));
    net.summary(randn([4, 3]));
    expect(net.activationStats().get('1')!.dead).toBe(1);
    net.forward(randn([64, 3], { rng: new Rng(3) }));
    expect(net.activationStats().get('1')!.dead).toBe(0);
  });

  it('large initial weights saturate a sigmoid network; Xavier does not', () => {
    const x = randn([64, 50], { rng: new Rng(4) });
    const big = new MLP([50, 100, 1], { activation: 'sigmoid', init: 'kaiming', rng: new Rng(5) });
    noGrad(() => big.parameters()[0]!.mul_(10));
    big.forward(x);
    const xavier = new MLP([50, 100, 1], { activation: 'sigmoid', rng: new Rng(5) });
    xavier.forward(x);
    expect(big.activationStats().get('1')!.saturatedOutputs).toBeGreaterThan(0.5);
    expect(xavier.activationStats().get('1')!.saturatedOutputs).toBeLessThan(0.05);
  });

  it('healthReport tables the layers', () => {
    const net = new Sequential(
      new Linear(2, 4, { rng: new Rng(6) }),
      new ReLU(),
      new Linear(4, 4),
      new Tanh(),
    );
    expect(healthReport(net)).toMatch(/run a forward pass first/);
    net.forward(tensor([[1, 2]]));
    const lines = healthReport(net).split('\n');
    expect(lines[0]).toMatch(/^layer\s+activation\s+units\s+dead\s+saturated\s+saturated outputs$/);
    expect(lines[1]).toMatch(/^1\s+relu\s+4\s+\d+\.\d%\s+—\s+—$/);
    expect(lines[2]).toMatch(/^3\s+tanh\s+4\s+—\s+\d+\.\d%\s+\d+\.\d%$/);
  });
});
