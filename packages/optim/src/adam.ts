// Adam: adaptive moment estimation, as torch.optim.Adam (L2 weight decay in the gradient).
import { AdamBase, type AdamHyperparams, type AdamOptions } from './internal/adam-base.js';
import type { Params } from './optimizer.js';

/**
 * Adam (Kingma & Ba), step for step as `torch.optim.Adam`. With g the gradient at step t:
 *
 *     g ← g + λ·p                          (weightDecay λ ≠ 0: L2, coupled to the gradient)
 *     m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 *     vmax ← max(vmax, v)                  (amsgrad; vmax takes v's place below)
 *     p ← p − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0, amsgrad false.
 * For weight decay that is not scaled by the adaptive step, use `AdamW`.
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * opt.zeroGrad();
 * loss.backward();
 * opt.step();
 */
export class Adam extends AdamBase {
  constructor(params: Params<AdamHyperparams>, options: AdamOptions = {}) {
    super('Adam', params, options, 0, false);
  }
}
