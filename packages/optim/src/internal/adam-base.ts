// The update Adam and AdamW share: bias-corrected moment estimates, eps outside the sqrt,
// optional AMSGrad; L2 weight decay in the gradient (Adam) or decoupled (AdamW).
import { type Tensor, ValueError } from '@tapegrad/core';
import { type AdamStep, adamStep_ } from '@tapegrad/core/op-kit';
import { Optimizer, type Params } from '../optimizer.js';
import {
  checkBoolean,
  checkInteger,
  checkKnownKeys,
  checkNonNegative,
  checkRange,
  show,
} from './check.js';

/** The options of Adam and AdamW, as each parameter group holds them. */
export interface AdamHyperparams {
  /** Learning rate γ (≥ 0). */
  lr: number;
  /** Decay rates (β₁, β₂) of the first and second moment estimates, each in [0, 1). */
  betas: readonly [number, number];
  /** ε (≥ 0), added to √v̂ (outside the square root, as in PyTorch). */
  eps: number;
  /** Weight decay λ (≥ 0): L2 in the gradient for Adam, decoupled for AdamW. */
  weightDecay: number;
  /** AMSGrad: normalize by the running maximum of the second moment. */
  amsgrad: boolean;
}

/** What `new Adam(params, options)` and `new AdamW(params, options)` take; all optional. */
export type AdamOptions = { readonly [K in keyof AdamHyperparams]?: AdamHyperparams[K] };

/** The state Adam and AdamW keep per parameter. */
export interface AdamState {
  /** Steps taken on this parameter (the t of the bias corrections). */
  step: number;
  /** First moment estimate m. */
  expAvg: Tensor;
  /** Second moment estimate v. */
  expAvgSq: Tensor;
  /** Running maximum of v (AMSGrad only). */
  maxExpAvgSq?: Tensor;
}

/** Adam's update; `decoupled` makes it AdamW's. Subclassed by `Adam` and `AdamW`. */
export abstract class AdamBase extends Optimizer<AdamHyperparams, AdamState> {
  private readonly decoupled: boolean;
  /** The kernel's hyperparameters, rewritten for each group and parameter: no object per step. */
  private readonly h: { -readonly [K in keyof AdamStep]: AdamStep[K] } = {
    decay: 1,
    l2: 0,
    w1: 0,
    beta2: 0,
    w2: 0,
    stepSize: 0,
    bc2Sqrt: 1,
    eps: 0,
    amsgrad: false,
  };

  protected constructor(
    op: string,
    params: Params<AdamHyperparams>,
    options: AdamOptions,
    weightDecay: number,
    decoupled: boolean,
  ) {
    super(op, params, options, {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay,
      amsgrad: false,
    });
    this.decoupled = decoupled;
  }

  protected override checkOptions(h: AdamHyperparams, where: string, op: string): void {
    checkNonNegative(op, `${where}lr`, h.lr);
    if (!Array.isArray(h.betas) || h.betas.length !== 2) {
      throw new ValueError(op, `${where}betas must be a pair [beta1, beta2], got ${show(h.betas)}`);
    }
    checkRange(op, `${where}betas[0]`, h.betas[0], { lo: 0, hi: 1, hiOpen: true });
    checkRange(op, `${where}betas[1]`, h.betas[1], { lo: 0, hi: 1, hiOpen: true });
    checkNonNegative(op, `${where}eps`, h.eps);
    checkNonNegative(op, `${where}weightDecay`, h.weightDecay);
    checkBoolean(op, `${where}amsgrad`, h.amsgrad);
  }

  protected override update(): void {
    const groups = this.paramGroups;
    const decoupled = this.decoupled;
    const h = this.h;
    for (let gi = 0; gi < groups.length; gi++) {
      const group = groups[gi]!;
      const lr = group.lr;
      const beta1 = group.betas[0];
      const beta2 = group.betas[1];
      const wd = group.weightDecay;
      const amsgrad = group.amsgrad;
      // AdamW shrinks the parameter before the Adam step: p ← (1 − γλ)·p.
      h.decay = decoupled ? 1 - lr * wd : 1;
      h.l2 = decoupled ? 0 : wd;
      h.w1 = 1 - beta1;
      h.beta2 = beta2;
      h.w2 = 1 - beta2;
      h.eps = group.eps;
      h.amsgrad = amsgrad;
      const params = group.params;
      for (let pi = 0; pi < params.length; pi++) {
        const p = params[pi]!;
        const grad = p.grad;
        if (grad === null) continue; // no gradient: no update and no step counted
        let state = this.state.get(p);
        if (state === undefined) {
          state = { step: 0, expAvg: this.newBuffer(p), expAvgSq: this.newBuffer(p) };
          if (amsgrad) state.maxExpAvgSq = this.newBuffer(p);
          this.state.set(p, state);
        } else if (amsgrad && state.maxExpAvgSq === undefined) {
          state.maxExpAvgSq = this.newBuffer(p);
        }
        const t = ++state.step;
        // Bias corrections: m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ), folded into the step:
        // p ← p − (γ / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε), as PyTorch computes it.
        h.stepSize = lr / (1 - beta1 ** t);
        h.bc2Sqrt = Math.sqrt(1 - beta2 ** t);
        const vmax = amsgrad ? state.maxExpAvgSq! : null;
        adamStep_(p, grad, state.expAvg, state.expAvgSq, vmax, h);
      }
    }
  }

  protected override restoreState(
    saved: Readonly<Record<string, unknown>>,
    param: Tensor,
    group: AdamHyperparams,
    where: string,
  ): AdamState {
    const op = `${this.op}.loadStateDict`;
    checkKnownKeys(op, where, saved, ['step', 'expAvg', 'expAvgSq', 'maxExpAvgSq']);
    const state: AdamState = {
      step: checkInteger(op, `${where}.step`, saved.step, 0),
      expAvg: this.loadBuffer(saved, 'expAvg', param, where),
      expAvgSq: this.loadBuffer(saved, 'expAvgSq', param, where),
    };
    if (saved.maxExpAvgSq !== undefined) {
      state.maxExpAvgSq = this.loadBuffer(saved, 'maxExpAvgSq', param, where);
    } else if (group.amsgrad && state.step > 0) {
      throw new ValueError(op, `${where}.maxExpAvgSq is missing, and amsgrad needs it`);
    }
    return state;
  }
}
