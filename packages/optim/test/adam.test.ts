// Adam and AdamW: closed forms for a constant gradient, hand-computed first steps (bias
// correction, eps outside the sqrt, AMSGrad), PyTorch's update transcribed, option errors.
import { Rng, randn, type Tensor, tensor, ValueError } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { Adam, type AdamOptions, AdamW } from '../src/index.js';
import { expectClose, param, values } from './helpers.js';

function setGrad(p: Tensor, g: number[]): void {
  p.grad = tensor(g, { dtype: p.dtype, shape: p.shape });
}

describe('Adam, hand-computed', () => {
  it('takes steps of lr·g/(|g| + eps) under a constant gradient (bias correction)', () => {
    // With g constant, m_t = (1 − β₁ᵗ)·g and v_t = (1 − β₂ᵗ)·g², so the corrected
    // m̂ = g and v̂ = g² at every step, and p_k = p_0 − k·lr·g/(|g| + eps).
    // eps = 0.5 is large so that its place shows: inside the sqrt, g = 3 would step by
    // 3/√9.5 ≈ 0.973 instead of 3/3.5 ≈ 0.857.
    const g = [3, -0.5, 0.25];
    const p = param([1, 2, 3]);
    const opt = new Adam([p], { lr: 0.1, eps: 0.5 });
    for (let k = 1; k <= 8; k++) {
      setGrad(p, g);
      opt.step();
      expectClose(
        values(p),
        [1, 2, 3].map((p0, i) => p0 - (k * 0.1 * g[i]!) / (Math.abs(g[i]!) + 0.5)),
        1e-13,
      );
    }
  });

  it('first two steps with gradients 3 then 0, with and without AMSGrad', () => {
    // β₁ = 0.9, β₂ = 0.999, lr = 0.1, eps = 1e-8, p_0 = 1.
    // Step 1, g = 3: m = 0.1·3 = 0.3, v = 0.001·9 = 0.009; m̂ = 0.3/0.1 = 3,
    //   v̂ = 0.009/0.001 = 9: p_1 = 1 − 0.1·3/(3 + 1e-8).
    // Step 2, g = 0: m = 0.27, v = 0.999·0.009 = 0.008991; 1 − β₁² = 0.19,
    //   1 − β₂² = 0.001999: p_2 = p_1 − (0.1/0.19)·0.27/(√0.008991/√0.001999 + 1e-8).
    // AMSGrad keeps v_max = max(0.009, 0.008991) = 0.009 in the denominator instead.
    const p1 = 1 - (0.1 * 3) / (3 + 1e-8);
    for (const amsgrad of [false, true]) {
      const p = param([1]);
      const opt = new Adam([p], { lr: 0.1, amsgrad });
      setGrad(p, [3]);
      opt.step();
      expectClose(values(p), [p1], 1e-14);
      setGrad(p, [0]);
      opt.step();
      const v = amsgrad ? 0.009 : 0.008991;
      const p2 = p1 - (0.1 / 0.19) * (0.27 / (Math.sqrt(v) / Math.sqrt(0.001999) + 1e-8));
      expectClose(values(p), [p2], 1e-12);
    }
  });

  it('adds weightDecay·p to the gradient (L2, coupled)', () => {
    // g_eff = g + λ·p_0 = 1 + 0.5·2 = 2 on the first step: p_1 = 2 − 0.1·2/(2 + 1e-8).
    const p = param([2]);
    const opt = new Adam([p], { lr: 0.1, weightDecay: 0.5 });
    setGrad(p, [1]);
    opt.step();
    expectClose(values(p), [2 - (0.1 * 2) / (2 + 1e-8)], 1e-14);
  });

  it('counts steps per parameter: a parameter without a gradient takes no step', () => {
    const p = param([1]);
    const q = param([1]);
    const opt = new Adam([p, q], { lr: 0.1 });
    setGrad(p, [1]);
    opt.step();
    opt.step();
    setGrad(q, [1]);
    opt.step();
    const state = opt.stateDict().state;
    expect(state[0]!.step).toBe(3);
    expect(state[1]!.step).toBe(1);
  });
});

describe('AdamW, hand-computed', () => {
  it('decays the parameter directly: p_k = q^k·p_0 − u·(1 − q^k)/(1 − q)', () => {
    // p ← (1 − lr·λ)·p, then the Adam step on the plain gradient. With g constant the Adam
    // step is u = lr·g/(|g| + eps) (see Adam above), so p_k = q·p_{k−1} − u with
    // q = 1 − lr·λ, whose solution is p_k = q^k·p_0 − u·(1 − q^k)/(1 − q).
    const lr = 0.1;
    const lambda = 0.2;
    const eps = 0.5;
    const g = [2, -1];
    const p0 = [3, -4];
    const q = 1 - lr * lambda;
    const p = param(p0);
    const opt = new AdamW([p], { lr, eps, weightDecay: lambda });
    for (let k = 1; k <= 8; k++) {
      setGrad(p, g);
      opt.step();
      const expected = p0.map((x, i) => {
        const u = (lr * g[i]!) / (Math.abs(g[i]!) + eps);
        return q ** k * x - (u * (1 - q ** k)) / (1 - q);
      });
      expectClose(values(p), expected, 1e-13);
    }
  });

  it('defaults to weightDecay 0.01, and is Adam when weightDecay is 0', () => {
    const a = param([1, 2]);
    const w = param([1, 2]);
    expect(new AdamW([param([1])]).defaults.weightDecay).toBe(0.01);
    const adam = new Adam([a], { lr: 0.1 });
    const adamw = new AdamW([w], { lr: 0.1, weightDecay: 0 });
    for (let k = 0; k < 5; k++) {
      setGrad(a, [0.3, -k]);
      setGrad(w, [0.3, -k]);
      adam.step();
      adamw.step();
    }
    expect(values(w)).toEqual(values(a));
  });
});

/**
 * torch.optim.Adam's `_single_tensor_adam` (non-capturable, real tensors), transcribed on
 * plain arrays; `decoupled` is AdamW's `param.mul_(1 − lr·wd)` (torch/optim/adam.py).
 */
function torchAdam(
  param: number[],
  grad: number[],
  s: { step: number; m: number[]; v: number[]; vmax: number[] },
  o: { lr: number; betas: [number, number]; eps: number; weightDecay: number; amsgrad: boolean },
  decoupled: boolean,
) {
  const [beta1, beta2] = o.betas;
  s.step += 1;
  if (decoupled)
    for (let j = 0; j < param.length; j++) param[j] = param[j]! * (1 - o.lr * o.weightDecay);
  const g =
    decoupled || o.weightDecay === 0 ? grad : grad.map((x, j) => x + o.weightDecay * param[j]!);
  for (let j = 0; j < param.length; j++) {
    s.m[j] = s.m[j]! + (1 - beta1) * (g[j]! - s.m[j]!); // exp_avg.lerp_(grad, 1 - beta1)
    s.v[j] = s.v[j]! * beta2 + (1 - beta2) * g[j]! * g[j]!; // exp_avg_sq.mul_(b2).addcmul_(g, g, value=1-b2)
  }
  const stepSize = o.lr / (1 - beta1 ** s.step);
  const bc2Sqrt = (1 - beta2 ** s.step) ** 0.5;
  for (let j = 0; j < param.length; j++) {
    if (o.amsgrad) s.vmax[j] = Math.max(s.vmax[j]!, s.v[j]!);
    const denom = Math.sqrt(o.amsgrad ? s.vmax[j]! : s.v[j]!) / bc2Sqrt + o.eps;
    param[j] = param[j]! + -stepSize * (s.m[j]! / denom); // param.addcdiv_(m, denom, value=-step_size)
  }
}

describe('Adam and AdamW match torch.optim step for step', () => {
  const configs: { o: Required<AdamOptions>; decoupled: boolean }[] = [
    {
      o: { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false },
      decoupled: false,
    },
    {
      o: { lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, amsgrad: true },
      decoupled: false,
    },
    {
      o: { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.1, amsgrad: false },
      decoupled: true,
    },
    {
      o: { lr: 0.02, betas: [0.5, 0.9], eps: 1e-8, weightDecay: 0.05, amsgrad: true },
      decoupled: true,
    },
  ];
  for (const { o, decoupled } of configs) {
    it(`${decoupled ? 'AdamW' : 'Adam'} on random gradients with ${JSON.stringify(o)}`, () => {
      const rng = new Rng(5);
      const p = randn([3, 4], { rng, dtype: 'float64', requiresGrad: true });
      const ref = values(p);
      const s = { step: 0, m: ref.map(() => 0), v: ref.map(() => 0), vmax: ref.map(() => 0) };
      const opt = decoupled ? new AdamW([p], o) : new Adam([p], o);
      for (let step = 0; step < 30; step++) {
        // Gradients shrink over time, so that AMSGrad's maximum matters.
        const g = values(randn([3, 4], { rng, dtype: 'float64' })).map((x) => x / (1 + step));
        setGrad(p, g);
        opt.step();
        torchAdam(ref, g, s, o as typeof o & { betas: [number, number] }, decoupled);
        expectClose(values(p), ref, 1e-13);
      }
    });
  }

  it('keeps float32 state for a float32 parameter', () => {
    const p = param([1, 2], 'float32');
    const opt = new Adam([p], { amsgrad: true });
    setGrad(p, [1, 1]);
    opt.step();
    const s = opt.stateDict().state[0]!;
    expect(s.expAvg).toBeInstanceOf(Float32Array);
    expect(s.expAvgSq).toBeInstanceOf(Float32Array);
    expect(s.maxExpAvgSq).toBeInstanceOf(Float32Array);
    // p₁ = fl(p₀ − step), step = lr·m̂/(√v̂ + eps) ≈ 1e-3 from float32 state (m, v, their
    // bias corrections, the root, the quotient: ≤ 8 roundings): off by u·|p₁| + γ₈·1e-3
    // ≤ 2u·|p₁| for |p₁| ≥ 1 − 1e-3 (u = 2⁻²⁴); the expected values drop eps's 1e-11
    expectClose(values(p), [1 - 1e-3, 2 - 1e-3], 2 * 2 ** -24);
  });
});

describe('Adam errors name the option and the value', () => {
  const bad: [string, AdamOptions, RegExp][] = [
    ['negative lr', { lr: -1 }, /Adam: lr must be a number in \[0, ∞\), got -1/],
    ['beta1 = 1', { betas: [1, 0.999] }, /betas\[0\] must be a number in \[0, 1\), got 1$/],
    [
      'negative beta2',
      { betas: [0.9, -0.1] },
      /betas\[1\] must be a number in \[0, 1\), got -0\.1/,
    ],
    [
      'betas not a pair',
      { betas: [0.9] as unknown as [number, number] },
      /betas must be a pair \[beta1, beta2\], got \[0\.9\]/,
    ],
    ['negative eps', { eps: -1e-8 }, /eps must be a number in \[0, ∞\), got -1e-8/],
    ['negative weightDecay', { weightDecay: -0.1 }, /weightDecay .* got -0\.1/],
    [
      'amsgrad not a boolean',
      { amsgrad: 'yes' as unknown as boolean },
      /amsgrad must be true or false, got "yes"/,
    ],
  ];
  for (const [what, options, message] of bad) {
    it(`rejects ${what}`, () => {
      expect(() => new Adam([param([1])], options)).toThrow(ValueError);
      expect(() => new Adam([param([1])], options)).toThrow(message);
    });
  }

  it('names AdamW in its errors', () => {
    expect(() => new AdamW([param([1])], { lr: -1 })).toThrow(/^AdamW: lr must be/);
  });
});
