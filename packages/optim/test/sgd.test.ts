// SGD: closed forms on a quadratic, PyTorch's update transcribed, groups, zeroGrad,
// skipped parameters, option errors, and no allocation per step.
import {
  isGradEnabled,
  noGrad,
  Rng,
  randn,
  type Tensor,
  tensor,
  ValueError,
  zerosLike,
} from '@tapegrad/core';
import { denseValues } from '@tapegrad/core/op-kit';
import { describe, expect, it } from 'vitest';
import { SGD, type SGDOptions } from '../src/index.js';
import { expectClose, param, quadraticGrad, values } from './helpers.js';

const P0 = [1, -2, 0.5];

/** Take `k` steps of SGD on f(p) = ½·a·‖p‖² from P0; p after each step. */
function run(options: SGDOptions, a: number, k: number, dtype: 'float32' | 'float64' = 'float64') {
  const p = param(P0, dtype);
  const opt = new SGD([p], options);
  const out: number[][] = [];
  for (let i = 0; i < k; i++) {
    quadraticGrad(p, a);
    opt.step();
    out.push(values(p));
  }
  return out;
}

/** P0 scaled by `c(k)` for k = 1…n. */
function closedForm(c: (k: number) => number, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => P0.map((x) => c(i + 1) * x));
}

function expectTrajectory(actual: number[][], expected: number[][], rtol = 1e-12) {
  actual.forEach((row, k) => {
    expectClose(row, expected[k]!, rtol);
  });
}

describe('SGD closed forms on f(p) = ½·a·p² (gradient g = a·p)', () => {
  it('plain: p_k = (1 − lr·a)^k · p_0', () => {
    // p ← p − lr·a·p = (1 − lr·a)·p; with a = 2, lr = 0.1 that is 0.8^k.
    expectTrajectory(
      run({ lr: 0.1 }, 2, 20),
      closedForm((k) => 0.8 ** k, 20),
    );
  });

  it('plain in float32 too', () => {
    // A step p − lr·(a·p) = 0.8·p in float32: a·p is exact (a = 2), lr·g is off by 2u
    // relatively (lr rounded, then the product) and the difference by u: 0.8·p with a
    // relative error ≤ (2u·0.2 + u·0.8)/0.8 = 1.5u per step, so ≤ γ₃₀ after 20 steps
    // (u = 2⁻²⁴; the float64 closed form's own error is 2⁻²⁹ times smaller).
    const u = 2 ** -24;
    expectTrajectory(
      run({ lr: 0.1 }, 2, 20, 'float32'),
      closedForm((k) => 0.8 ** k, 20),
      (30 * u) / (1 - 30 * u),
    );
  });

  it('weight decay λ: p_k = (1 − lr·(a + λ))^k · p_0', () => {
    // g + λ·p = (a + λ)·p; a = 2, λ = 0.5, lr = 0.1 gives 0.75^k.
    expectTrajectory(
      run({ lr: 0.1, weightDecay: 0.5 }, 2, 20),
      closedForm((k) => 0.75 ** k, 20),
    );
  });

  it('momentum (heavy ball): p_k = p_0·(1.125·0.9^k − 0.125·0.5^k)', () => {
    // b_1 = g_0 is the same as b_0 = 0 with b_k = μ·b_{k−1} + g_{k−1} (no dampening), so
    // p_{k+1} = p_k − lr·a·p_k + μ·(p_k − p_{k−1}) with p_{−1} = p_0. Its characteristic
    // roots solve r² − (1 − lr·a + μ)·r + μ = 0. With a = 1, lr = 0.05, μ = 0.45:
    // r² − 1.4·r + 0.45 = 0, r = 0.9 or 0.5. From p_0 and p_1 = 0.95·p_0:
    // c₁ + c₂ = 1, 0.9·c₁ + 0.5·c₂ = 0.95  ⇒  c₁ = 1.125, c₂ = −0.125.
    expectTrajectory(
      run({ lr: 0.05, momentum: 0.45 }, 1, 30),
      closedForm((k) => 1.125 * 0.9 ** k - 0.125 * 0.5 ** k, 30),
    );
  });

  it('momentum with dampening: the first step is not dampened, p_k = 0.9^k · p_0', () => {
    // a = 1, lr = 0.1, μ = 0.45, τ = 0.5. Step 1: b_1 = g_0 = p_0 (no dampening),
    // p_1 = 0.9·p_0. Then b_k = μ·b_{k−1} + (1 − τ)·p_{k−1}: if b_{k−1} = 0.9^{k−2}·p_0
    // and p_{k−1} = 0.9^{k−1}·p_0, b_k = (0.45 + 0.5·0.9)·0.9^{k−2}·p_0 = 0.9^{k−1}·p_0 and
    // p_k = p_{k−1} − 0.1·b_k = 0.9^k·p_0: by induction, geometric. Dampening the first
    // step too (b_1 = 0.5·p_0) would give p_1 = 0.95·p_0 instead.
    const traj = run({ lr: 0.1, momentum: 0.45, dampening: 0.5 }, 1, 25);
    expectTrajectory(
      traj,
      closedForm((k) => 0.9 ** k, 25),
    );
  });

  it('Nesterov: p_k = p_0·(5/3·0.75^k − 2/3·0.6^k)', () => {
    // b_k = μ·b_{k−1} + a·p_{k−1} and p_k = p_{k−1} − lr·(a·p_{k−1} + μ·b_k), so
    // (p, b) evolves by M = [[1 − lr·a·(1 + μ), −lr·μ²], [a, μ]]: trace 1 + μ − lr·a·(1 + μ),
    // determinant μ·(1 − lr·a). With a = 1, lr = 0.1, μ = 0.5: r² − 1.35·r + 0.45 = 0,
    // r = 0.75 or 0.6. p_1 = (1 − 0.1·1.5)·p_0 = 0.85·p_0, so c₁ + c₂ = 1 and
    // 0.75·c₁ + 0.6·c₂ = 0.85  ⇒  c₁ = 5/3, c₂ = −2/3.
    expectTrajectory(
      run({ lr: 0.1, momentum: 0.5, nesterov: true }, 1, 30),
      closedForm((k) => (5 / 3) * 0.75 ** k - (2 / 3) * 0.6 ** k, 30),
    );
  });

  it('weight decay + Nesterov: the curvature becomes a + λ', () => {
    // g + λ·p = (a + λ)·p: a = 0.6, λ = 0.4 is the Nesterov case above with a = 1.
    expectTrajectory(
      run({ lr: 0.1, momentum: 0.5, nesterov: true, weightDecay: 0.4 }, 0.6, 30),
      closedForm((k) => (5 / 3) * 0.75 ** k - (2 / 3) * 0.6 ** k, 30),
    );
  });

  it('weight decay + momentum: the heavy-ball case with a + λ = 1', () => {
    expectTrajectory(
      run({ lr: 0.05, momentum: 0.45, weightDecay: 0.75 }, 0.25, 30),
      closedForm((k) => 1.125 * 0.9 ** k - 0.125 * 0.5 ** k, 30),
    );
  });
});

/**
 * torch.optim.SGD's `_single_tensor_sgd`, transcribed line by line on plain arrays, as
 * the reference for random gradients (torch/optim/sgd.py).
 */
function torchSgd(
  ps: number[][],
  grads: (number[] | null)[],
  bufs: (number[] | null)[],
  o: { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean },
) {
  ps.forEach((param, i) => {
    const g0 = grads[i];
    if (g0 === null || g0 === undefined) return; // _init_group skips p.grad is None
    let grad = g0.slice();
    if (o.weightDecay !== 0) grad = grad.map((g, j) => g + o.weightDecay * param[j]!); // grad.add(param, alpha=wd)
    if (o.momentum !== 0) {
      let buf = bufs[i];
      if (buf === null || buf === undefined) {
        buf = grad.slice(); // torch.clone(grad).detach()
        bufs[i] = buf;
      } else {
        for (let j = 0; j < buf.length; j++)
          buf[j] = buf[j]! * o.momentum + (1 - o.dampening) * grad[j]!; // buf.mul_(m).add_(grad, alpha=1-d)
      }
      grad = o.nesterov ? grad.map((g, j) => g + o.momentum * buf![j]!) : buf.slice();
    }
    for (let j = 0; j < param.length; j++) param[j] = param[j]! + -o.lr * grad[j]!; // param.add_(grad, alpha=-lr)
  });
}

describe('SGD matches torch.optim.SGD step for step', () => {
  const configs = [
    { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false },
    { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 1e-2, nesterov: false },
    { lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0, nesterov: false },
    { lr: 0.02, momentum: 0.8, dampening: 0, weightDecay: 5e-3, nesterov: true },
  ];
  for (const o of configs) {
    it(`on random gradients with ${JSON.stringify(o)}`, () => {
      const rng = new Rng(3);
      const shapes = [[4, 3], [3], [2, 2]];
      const ts = shapes.map((s) => randn(s, { rng, dtype: 'float64', requiresGrad: true }));
      const ref = ts.map(values);
      const bufs: (number[] | null)[] = ts.map(() => null);
      const opt = new SGD(ts, o);
      for (let step = 0; step < 25; step++) {
        // Parameter 2 has no gradient on some steps: it is skipped, its buffer untouched.
        const grads = ts.map((t, i) =>
          i === 2 && step % 3 === 1 ? null : values(randn(t.shape, { rng, dtype: 'float64' })),
        );
        ts.forEach((t, i) => {
          const g = grads[i];
          t.grad = g == null ? null : tensor(g, { dtype: 'float64', shape: t.shape });
        });
        opt.step();
        torchSgd(ref, grads, bufs, o);
        ts.forEach((t, i) => {
          expectClose(values(t), ref[i]!, 1e-14);
        });
      }
    });
  }
});

describe('SGD parameter groups', () => {
  it('decays the weights and not the biases ("gradual forgetting")', () => {
    // With a zero data gradient, weight decay alone gives w_k = (1 − lr·λ)^k·w_0 and leaves b.
    const w = param([2, -4]);
    const b = param([1, 3]);
    const opt = new SGD([{ params: [w], weightDecay: 0.5 }, { params: [b] }], { lr: 0.1 });
    expect(opt.paramGroups.map((g) => g.weightDecay)).toEqual([0.5, 0]);
    for (let k = 1; k <= 10; k++) {
      w.grad = zerosLike(w);
      b.grad = zerosLike(b);
      opt.step();
      expectClose(values(w), [2 * 0.95 ** k, -4 * 0.95 ** k]);
      expect(values(b)).toEqual([1, 3]);
    }
  });

  it('gives each group its own lr and momentum, and follows changes to group.lr', () => {
    const p = param([1]);
    const q = param([1]);
    const opt = new SGD([{ params: [p] }, { params: [q], lr: 0.5, momentum: 0.9 }], { lr: 0.1 });
    p.grad = tensor([1], { dtype: 'float64' });
    q.grad = tensor([1], { dtype: 'float64' });
    opt.step(); // p: 1 − 0.1; q: b = 1, 1 − 0.5
    opt.paramGroups[0]!.lr = 0.2;
    opt.step(); // p: 0.9 − 0.2; q: b = 1.9, 0.5 − 0.95
    expectClose(values(p), [0.7]);
    expectClose(values(q), [0.5 - 0.95]);
  });

  it('addParamGroup adds a group with the defaults filled in', () => {
    const p = param([1]);
    const q = param([1]);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.5 });
    opt.addParamGroup({ params: [q], lr: 0.01 });
    expect(opt.paramGroups[1]).toMatchObject({ lr: 0.01, momentum: 0.5, params: [q] });
    expect(() => opt.addParamGroup({ params: [p] })).toThrow(
      /paramGroups\[2\]\.params\[0\] is the same tensor as params\[0\]/,
    );
  });
});

describe('SGD step and zeroGrad', () => {
  it('skips a parameter whose grad is null, as PyTorch does', () => {
    const p = param([1, 2]);
    const q = param([3]);
    const opt = new SGD([p, q], { lr: 0.1, momentum: 0.9, weightDecay: 0.1 });
    p.grad = tensor([1, 1], { dtype: 'float64' });
    opt.step();
    expect(values(q)).toEqual([3]);
    expect(Object.keys(opt.stateDict().state)).toEqual(['0']); // no buffer for q
  });

  it('updates in place without recording, and runs a closure with recording on', () => {
    const p = param([1, 2]);
    const storage = denseValues(p).data;
    const opt = new SGD([p], { lr: 0.1 });
    const loss = noGrad(() =>
      opt.step(() => {
        expect(isGradEnabled()).toBe(true);
        opt.zeroGrad();
        const l = p.mul(p).sum();
        l.backward();
        return l.item();
      }),
    );
    expect(loss).toBe(5);
    expect(denseValues(p).data).toBe(storage);
    expect(p.isLeaf).toBe(true);
    expect(p.gradFn).toBeNull();
    expectClose(values(p), [0.8, 1.6]);
  });

  it('zeroGrad sets grads to null by default, or zeros them in place', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 0.1 });
    quadraticGrad(p, 1);
    const g = p.grad!;
    opt.zeroGrad({ setToNone: false });
    expect(p.grad).toBe(g);
    expect(values(g)).toEqual([0, 0]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
  });

  it('zeroGrad({ setToNone: false }) replaces a gradient that belongs to a graph', () => {
    const p = param([1, 2]);
    const opt = new SGD([p], { lr: 0.1 });
    p.mul(p).sum().backward(undefined, { createGraph: true });
    const g = p.grad!;
    const before = values(g);
    opt.zeroGrad({ setToNone: false });
    expect(values(p.grad!)).toEqual([0, 0]);
    expect(p.grad!.requiresGrad).toBe(false);
    expect(values(g)).toEqual(before); // the graph's tensor is untouched
  });

  it('allocates no typed array after the first step', () => {
    const rng = new Rng(0);
    const ps = [
      randn([20, 10], { rng, requiresGrad: true }),
      randn([10], { rng, requiresGrad: true }),
    ];
    for (const p of ps) p.grad = randn(p.shape, { rng });
    const opts = [
      new SGD(ps, { lr: 0.01 }),
      new SGD(ps, { lr: 0.01, momentum: 0.9, weightDecay: 1e-4, nesterov: true }),
    ];
    for (const opt of opts) opt.step();
    const real32 = globalThis.Float32Array;
    const real64 = globalThis.Float64Array;
    let made = 0;
    globalThis.Float32Array = class extends real32 {
      constructor(...args: ConstructorParameters<typeof real32>) {
        super(...args);
        made++;
      }
    } as typeof real32;
    globalThis.Float64Array = class extends real64 {
      constructor(...args: ConstructorParameters<typeof real64>) {
        super(...args);
        made++;
      }
    } as typeof real64;
    try {
      new real32(1); // the real constructors are not counted …
      new globalThis.Float32Array(1); // … the patched ones are
      expect(made).toBe(1);
      made = 0;
      for (let i = 0; i < 100; i++) for (const opt of opts) opt.step();
    } finally {
      globalThis.Float32Array = real32;
      globalThis.Float64Array = real64;
    }
    expect(made).toBe(0);
  });
});

describe('SGD errors name the option and the value', () => {
  const p = () => param([1]);
  const bad: [string, () => unknown, RegExp][] = [
    [
      'negative lr',
      () => new SGD([p()], { lr: -0.1 }),
      /SGD: lr must be a number in \[0, ∞\), got -0\.1/,
    ],
    [
      'NaN lr',
      () => new SGD([p()], { lr: Number.NaN }),
      /lr must be a number in \[0, ∞\), got NaN/,
    ],
    [
      'momentum 1',
      () => new SGD([p()], { lr: 0.1, momentum: 1 }),
      /momentum must be a number in \[0, 1\), got 1$/,
    ],
    [
      'negative momentum',
      () => new SGD([p()], { lr: 0.1, momentum: -0.5 }),
      /momentum .* got -0\.5/,
    ],
    [
      'dampening 2',
      () => new SGD([p()], { lr: 0.1, momentum: 0.5, dampening: 2 }),
      /dampening must be a number in \[0, 1\], got 2/,
    ],
    [
      'negative weightDecay',
      () => new SGD([p()], { lr: 0.1, weightDecay: -1e-4 }),
      /weightDecay .* got -0\.0001/,
    ],
    [
      'Nesterov without momentum',
      () => new SGD([p()], { lr: 0.1, nesterov: true }),
      /nesterov needs momentum > 0 and dampening 0, got momentum 0 and dampening 0/,
    ],
    [
      'Nesterov with dampening',
      () => new SGD([p()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }),
      /nesterov needs .* got momentum 0\.9 and dampening 0\.1/,
    ],
    [
      'nesterov not a boolean',
      () => new SGD([p()], { lr: 0.1, nesterov: 1 as unknown as boolean }),
      /nesterov must be true or false, got 1/,
    ],
    ['lr missing', () => new SGD([p()], {} as SGDOptions), /lr is required/],
    [
      'a misspelt option',
      () => new SGD([p()], { lr: 0.1, weight_decay: 0.1 } as SGDOptions),
      /unknown option "weight_decay"; the options are lr, momentum, dampening, weightDecay, nesterov/,
    ],
    [
      'a bad option in a group',
      () => new SGD([{ params: [p()] }, { params: [p()], momentum: 1.5 }], { lr: 0.1 }),
      /paramGroups\[1\]\.momentum must be a number in \[0, 1\), got 1\.5/,
    ],
  ];
  for (const [what, make, message] of bad) {
    it(`rejects ${what}`, () => {
      expect(make).toThrow(ValueError);
      expect(make).toThrow(message);
    });
  }

  it('rejects a parameter given twice, in one group or across groups', () => {
    const a = p();
    expect(() => new SGD([a, p(), a], { lr: 0.1 })).toThrow(
      /a parameter is given twice: params\[2\] is the same tensor as params\[0\]/,
    );
    expect(() => new SGD([{ params: [p(), a] }, { params: [a] }], { lr: 0.1 })).toThrow(
      /paramGroups\[1\]\.params\[0\] is the same tensor as paramGroups\[0\]\.params\[1\]/,
    );
  });

  it('rejects params that are not tensors, or no params', () => {
    const a = p();
    expect(() => new SGD([a, 3 as unknown as Tensor], { lr: 0.1 })).toThrow(
      /params\[1\] is 3, not a Tensor/,
    );
    expect(() => new SGD([{ params: [a, 'w' as unknown as Tensor] }], { lr: 0.1 })).toThrow(
      /paramGroups\[0\]\.params\[1\] is "w", not a Tensor/,
    );
    expect(() => new SGD([null as unknown as Tensor], { lr: 0.1 })).toThrow(
      /params\[0\] is null: expected a Tensor or a parameter group/,
    );
    expect(() => new SGD(a as unknown as Tensor[], { lr: 0.1 })).toThrow(
      /got a single Tensor; wrap it: \[p\]/,
    );
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/empty parameter list/);
  });

  it('rejects a parameter that is not a leaf', () => {
    expect(() => new SGD([p().mul(2)], { lr: 0.1 })).toThrow(/params\[0\] .* not a leaf/);
  });

  it('accepts a frozen parameter (requiresGrad false) and leaves it alone, as PyTorch does', () => {
    const frozen = tensor([1, 2]);
    const live = tensor([3, 4], { requiresGrad: true });
    const opt = new SGD([frozen, live], { lr: 0.5 });
    live.mul(live).sum().backward();
    opt.step();
    expect(frozen.toArray()).toEqual([1, 2]);
    expect(live.toArray()).toEqual([0, 0]);
  });

  it('rejects a non-contiguous parameter or gradient, and a gradient of the wrong shape', () => {
    const base = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const strided = base.transpose(0, 1).requiresGrad_();
    expect(() => new SGD([strided], { lr: 0.1 })).toThrow(
      /params\[0\] \(shape \[3,2\], strides \[1,3\]\) is not contiguous/,
    );

    const w = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { requiresGrad: true },
    );
    const opt = new SGD([w], { lr: 0.1 });
    w.grad = tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]).transpose(0, 1);
    expect(() => opt.step()).toThrow(
      /SGD\.step: the \.grad of paramGroups\[0\]\.params\[0\] \(shape \[2,3\]\) is not contiguous/,
    );
    // a gradient of the wrong shape cannot even be assigned (as in PyTorch)
    expect(() => {
      w.grad = tensor([1, 2, 3]);
    }).toThrow("grad: .grad must have the tensor's shape [2,3], got one of shape [3]");
  });
});
