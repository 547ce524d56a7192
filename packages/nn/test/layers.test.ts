// Layers against hand computations: the notes' neuron and their 2- and 3-layer networks,
// Linear, Maxout, PReLU, the activations, Dropout.
import {
  manualSeed,
  noGrad,
  Rng,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import {
  Dropout,
  dropout,
  Identity,
  LeakyReLU,
  Linear,
  Maxout,
  MLP,
  makeActivation,
  maxout,
  Neuron,
  PReLU,
  prelu,
  ReLU,
  Sigmoid,
  Tanh,
} from '../src/index.js';
import { expectValues } from './helpers.js';

const t64 = (v: number | number[] | number[][]): Tensor => tensor(v, { dtype: 'float64' });
const f = (v: number): number => 1 / (1 + Math.exp(-v)); // the notes' activation

/** W · x + b by hand, W as rows. */
function affine(W: number[][], x: number[], b: number[]): number[] {
  return W.map((row, i) => row.reduce((s, w, j) => s + w * x[j]!, 0) + b[i]!);
}

const W1 = [
  [0.2, -0.5, 0.1],
  [1.5, 1.3, 2.1],
  [0.0, 0.25, 0.2],
  [-0.3, 0.7, -1.1],
];
const b1 = [1.1, 3.2, -1.2, 0.4];
const W2 = [
  [0.5, -0.2, 0.3, 0.9],
  [-1.0, 0.6, 0.1, -0.4],
  [0.8, 0.05, -0.7, 0.2],
  [0.3, 0.3, 0.3, -0.6],
];
const b2 = [0.1, -0.3, 0.2, 0.0];
const W3 = [[1.2, -0.8, 0.5, 2.0]];
const b3 = [-0.25];
const U32 = 2 ** -24; // float32's unit roundoff
const gamma = (k: number): number => (k * U32) / (1 - k * U32);

/**
 * The most float32 can move the 3-layer net's output at x from the exact value, to first
 * order in u = 2⁻²⁴. With E the bound of the error of a layer's input h (u·|x| for x, as
 * it may be rounded to float32): z = W·h + b, a sum of n + 1 terms whose parameters are
 * rounded (u) and which is summed with n + 1 roundings, is off by
 *   E_z = |W|·E + γ_{n+2}·(|W|·|h| + |b|)
 * and h' = f(z), rounded once, by f'(z)·E_z + u·f(z) (f' = f(1 − f), the slope at z: the
 * error is a few ulps, so the slope at the point is the slope over it, to first order).
 * The float64 reference's own error is ~2⁻²⁹ times smaller, inside the γ's roundings.
 */
function float32ErrorBound(x: number[]): number {
  let h = x;
  let e = x.map((v) => U32 * Math.abs(v));
  const layer = (W: number[][], b: number[], activation: boolean) => {
    const z = affine(W, h, b);
    const ez = W.map(
      (row, i) =>
        row.reduce((s, w, j) => s + Math.abs(w) * e[j]!, 0) +
        gamma(row.length + 2) *
          (row.reduce((s, w, j) => s + Math.abs(w * h[j]!), 0) + Math.abs(b[i]!)),
    );
    if (!activation) return ez;
    h = z.map(f);
    e = z.map((v, i) => f(v) * (1 - f(v)) * ez[i]! + U32 * f(v));
    return e;
  };
  layer(W1, b1, true);
  layer(W2, b2, true);
  return layer(W3, b3, false)[0]!;
}

const xs = [
  [-15, 22, -44],
  [0.5, -1, 2],
  [1, 2, 3],
];

describe("the notes' networks", () => {
  it('a single neuron: firing rate = sigmoid(Σ wᵢxᵢ + b)', () => {
    const n = new Neuron(3, { dtype: 'float64' });
    n.loadStateDict({ weight: t64([0.2, -0.5, 0.1]), bias: t64(1.1) });
    const x = t64(xs);
    expectValues(
      n.forward(x),
      xs.map((v) => f(affine([[0.2, -0.5, 0.1]], v, [1.1])[0]!)),
      1e-12,
    );
    expect(n.forward(t64([1, 2, 3])).shape).toEqual([]);
    expectValues(n.preActivation(t64([1, 2, 3])), [0.6]);
  });

  it('the 2-layer net [3, 4, 2]: out = W2 f(W1 x + b1) + b2', () => {
    const W2b = W2.slice(0, 2);
    const b2b = b2.slice(0, 2);
    const net = new MLP([3, 4, 2], { activation: 'sigmoid', dtype: 'float64' });
    net.loadStateDict({
      'layers.0.weight': t64(W1),
      'layers.0.bias': t64(b1),
      'layers.2.weight': t64(W2b),
      'layers.2.bias': t64(b2b),
    });
    const expected = xs.flatMap((x) => affine(W2b, affine(W1, x, b1).map(f), b2b));
    const out = net.forward(t64(xs));
    expect(out.shape).toEqual([3, 2]);
    expectValues(out, expected, 1e-12);
  });

  it('the 3-layer net [3, 4, 4, 1]: h1 = f(W1x + b1), h2 = f(W2h1 + b2), out = W3h2 + b3', () => {
    const net = new MLP([3, 4, 4, 1], { activation: 'sigmoid', dtype: 'float64' });
    net.loadStateDict({
      'layers.0.weight': t64(W1),
      'layers.0.bias': t64(b1),
      'layers.2.weight': t64(W2),
      'layers.2.bias': t64(b2),
      'layers.4.weight': t64(W3),
      'layers.4.bias': t64(b3),
    });
    const expected = xs.map((x) => {
      const h1 = affine(W1, x, b1).map(f);
      const h2 = affine(W2, h1, b2).map(f);
      return affine(W3, h2, b3)[0]!;
    });
    const out = net.forward(t64(xs));
    expect(out.shape).toEqual([3, 1]);
    expectValues(out, expected, 1e-12);
    // float32 agrees to float32 precision: within the forward error bound of the net
    const net32 = new MLP([3, 4, 4, 1], { activation: 'sigmoid' });
    net32.loadStateDict(net.stateDict());
    const got = Array.from(net32.forward(t64(xs)).toTypedArray());
    xs.forEach((x, i) => {
      expect(Math.abs(got[i]! - expected[i]!)).toBeLessThanOrEqual(float32ErrorBound(x));
    });
  });

  it('has no activation on the output layer', () => {
    const net = new MLP([2, 3, 3, 1]);
    expect(net.layers.map((l) => l.constructor.name)).toEqual([
      'Linear',
      'ReLU',
      'Linear',
      'ReLU',
      'Linear',
    ]);
    expect(() => new MLP([3])).toThrow(ValueError);
  });
});

describe('Linear', () => {
  it('computes y = x Wᵀ + b on a batch of rows, and on a single vector', () => {
    const fc = new Linear(3, 2);
    fc.loadStateDict({
      weight: tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      bias: tensor([0.5, -1]),
    });
    expectValues(
      fc.forward(
        tensor([
          [1, 0, -1],
          [2, 1, 0],
        ]),
      ),
      [-1.5, -3, 4.5, 12],
    );
    expectValues(fc.forward(tensor([1, 0, -1])), [-1.5, -3]);
    expect(fc.forward(randn([5, 7, 3])).shape).toEqual([5, 7, 2]);
  });

  it('has weight [out, in], bias [out] (or none) and zero biases', () => {
    const fc = new Linear(3, 4);
    expect(fc.weight.shape).toEqual([4, 3]);
    expect(fc.bias!.toArray()).toEqual([0, 0, 0, 0]);
    expect(new Linear(3, 4, { bias: false }).bias).toBeNull();
    expect(String(new Linear(3, 4, { bias: false }))).toBe('Linear(3 → 4, bias=false)');
  });

  it('initializes in resetParameters, reproducibly from an Rng', () => {
    const a = new Linear(5, 3, { rng: new Rng(7) });
    const b = new Linear(5, 3, { rng: new Rng(7) });
    expect(a.weight.toArray()).toEqual(b.weight.toArray());
    b.resetParameters(new Rng(8));
    expect(a.weight.toArray()).not.toEqual(b.weight.toArray());
    b.resetParameters(new Rng(7));
    expect(a.weight.toArray()).toEqual(b.weight.toArray());
    manualSeed(3);
    const c = new Linear(5, 3);
    manualSeed(3);
    expect(new Linear(5, 3).weight.toArray()).toEqual(c.weight.toArray());
  });

  it('names the layer and the shapes on a wrong input', () => {
    expect(() => new Linear(3, 2).forward(randn([4, 5]))).toThrow(ShapeError);
    expect(() => new Linear(3, 2).forward(randn([4, 5]))).toThrow(
      'Linear: expected an input whose last dim is 3 (inFeatures), got shape [4,5]',
    );
    expect(() => new Linear(0, 2)).toThrow(ValueError);
  });
});

describe('activations', () => {
  const x = tensor([[-2, -0.5, 0, 0.5, 3]], { dtype: 'float64' });
  const v = [-2, -0.5, 0, 0.5, 3];
  it('as modules compute their functions', () => {
    expectValues(new Sigmoid().forward(x), v.map(f), 1e-12);
    expectValues(new Tanh().forward(x), v.map(Math.tanh), 1e-12);
    expectValues(
      new ReLU().forward(x),
      v.map((a) => Math.max(0, a)),
    );
    expectValues(
      new LeakyReLU().forward(x),
      v.map((a) => (a > 0 ? a : 0.01 * a)),
      1e-12,
    );
    expectValues(
      new LeakyReLU(0.2).forward(x),
      v.map((a) => (a > 0 ? a : 0.2 * a)),
      1e-12,
    );
    expectValues(new Identity().forward(x), v);
    expect(() => new LeakyReLU(Number.NaN)).toThrow(ValueError);
  });

  it('are made by name', () => {
    expect(makeActivation('tanh')).toBeInstanceOf(Tanh);
    expect(makeActivation('prelu')).toBeInstanceOf(PReLU);
    expect(makeActivation(() => new LeakyReLU(0.3))).toBeInstanceOf(LeakyReLU);
    expect(() => makeActivation('swish' as 'relu')).toThrow(ValueError);
    expect(new Neuron(2, { activation: 'identity' }).activation).toBeInstanceOf(Identity);
  });

  it('PReLU: one slope initialized to 0.25, or one per channel (dim 1)', () => {
    const act = new PReLU();
    expect(act.weight.toArray()).toEqual([0.25]);
    expectValues(
      act.forward(x),
      v.map((a) => (a > 0 ? a : 0.25 * a)),
    );
    const per = new PReLU({ numParameters: 2, init: 0.1 });
    noGrad(() => per.weight.copy_(tensor([0.1, 0.5])));
    const x3 = tensor([
      [
        [-1, -2],
        [-1, 4],
      ],
    ]); // [1, 2 channels, 2]
    expectValues(per.forward(x3), [-0.1, -0.2, -0.5, 4], 1e-7);
    expectValues(prelu(tensor([-4, 2]), tensor([0.5, 0.5])), [-2, 2]); // 1-D: channels on dim 0
    expect(() => per.forward(randn([4, 3]))).toThrow(ShapeError);
    expect(() => new PReLU({ numParameters: 0 })).toThrow(ValueError);
  });

  it('Maxout: the max of k affine maps, with its own parameters', () => {
    const m = new Maxout(2, 1, { pieces: 2 });
    expect(m.numParameters()).toBe(2 * (2 * 1 + 1));
    expect(new Maxout(3, 4, { pieces: 3 }).numParameters()).toBe(3 * (12 + 4));
    // piece 0: x0 + 1, piece 1: 2·x1
    m.loadStateDict({ weight: tensor([[[1, 0]], [[0, 2]]]), bias: tensor([[1], [0]]) });
    expectValues(
      m.forward(
        tensor([
          [1, 3],
          [5, 1],
          [-1, -1],
        ]),
      ),
      [6, 6, 0],
    );
    expectValues(m.forward(tensor([1, 3])), [6]);
    expect(m.forward(randn([4, 5, 2])).shape).toEqual([4, 5, 1]);
    // with pieces 2 and a zero second map, maxout is a ReLU of the first map
    const w = tensor([[[1, -1]], [[0, 0]]]);
    const x2 = randn([6, 2], { rng: new Rng(1) });
    expectValues(
      maxout(x2, w),
      Array.from(
        x2
          .matmul(tensor([1, -1]))
          .relu()
          .toTypedArray(),
      ),
    );
    expect(() => maxout(x2, tensor([[1, 2]]))).toThrow(ShapeError);
  });
});

describe('Dropout', () => {
  it('drops about p of the units in training and scales the rest by 1 / (1 - p)', () => {
    const x = tensor(new Float32Array(10_000).fill(1), { shape: [100, 100] });
    const y = Array.from(new Dropout(0.3, { rng: new Rng(0) }).forward(x).toTypedArray());
    const kept = y.filter((v) => v !== 0);
    expect(kept.length / y.length).toBeGreaterThan(0.67);
    expect(kept.length / y.length).toBeLessThan(0.73);
    expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    // inverted dropout keeps the expected value
    const mean = y.reduce((s, v) => s + v, 0) / y.length;
    expect(Math.abs(mean - 1)).toBeLessThan(0.03);
  });

  it('is the identity in eval mode and for p = 0; p = 1 zeroes everything', () => {
    const x = randn([4, 4]);
    const d = new Dropout(0.5);
    d.eval();
    expect(d.forward(x)).toBe(x);
    expect(dropout(x, 0)).toBe(x);
    expect(dropout(x, 0.5, { training: false })).toBe(x);
    expect(Array.from(dropout(x, 1).toTypedArray()).every((v) => v === 0)).toBe(true);
    expect(() => new Dropout(1.5)).toThrow(ValueError);
  });

  it('draws one number per element from its Rng, in row-major order, and none for p = 1', () => {
    const x = tensor(new Float32Array(12).fill(1), { shape: [3, 4] });
    const rng = new Rng(5);
    const ref = new Rng(5);
    const expected = Array.from({ length: 12 }, () => (ref.random() < 0.75 ? 1 / 0.75 : 0));
    expectValues(dropout(x, 0.25, { rng }), expected);
    expect(rng.random()).toBe(ref.random());
    const untouched = new Rng(6);
    dropout(x, 1, { rng: untouched });
    expect(untouched.random()).toBe(new Rng(6).random());
  });

  it('the same Rng state gives the same mask, and gradients flow through kept units only', () => {
    const x = tensor([[1, 2, 3, 4, 5, 6]], { requiresGrad: true });
    const a = dropout(x, 0.5, { rng: new Rng(4) });
    const b = dropout(x, 0.5, { rng: new Rng(4) });
    expect(a.toArray()).toEqual(b.toArray());
    a.sum().backward();
    const g = Array.from(x.grad!.toTypedArray());
    const y = Array.from(a.toTypedArray());
    expect(g).toEqual(y.map((v) => (v === 0 ? 0 : 2)));
  });
});

describe('shapes of outputs', () => {
  it('Neuron gives one value per sample', () => {
    const n: Tensor = new Neuron(4, { activation: 'tanh' }).forward(randn([7, 4]));
    expect(n.shape).toEqual([7]);
    expect(() => new Neuron(4).forward(randn([7, 3]))).toThrow(
      'Neuron: expected an input whose last dim is 4 (nIn), got shape [7,3]',
    );
  });
});
