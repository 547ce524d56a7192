// AdamW: Adam with decoupled weight decay, as torch.optim.AdamW.
import { AdamBase, type AdamHyperparams, type AdamOptions } from './internal/adam-base.js';
import type { Params } from './optimizer.js';

/**
 * AdamW (Loshchilov & Hutter): Adam whose weight decay shrinks the parameter directly,
 * `p ← (1 − γλ)·p`, before the Adam step on the plain gradient — step for step as
 * `torch.optim.AdamW`. Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 1e-2,
 * amsgrad false.
 *
 * @example
 * const opt = new AdamW(
 *   [{ params: weights }, { params: biases, weightDecay: 0 }],
 *   { lr: 3e-4, weightDecay: 0.05 },
 * );
 */
export class AdamW extends AdamBase {
  constructor(params: Params<AdamHyperparams>, options: AdamOptions = {}) {
    super('AdamW', params, options, 1e-2, true);
  }
}
