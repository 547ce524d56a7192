// clipGradNorm: rescale the gradients so that their global norm is at most maxNorm.
import { noGrad, type Tensor, ValueError } from '@tapegrad/core';
import { sumAbsPow } from '@tapegrad/core/op-kit';
import { checkBoolean, checkNonNegative, checkOptions, checkRange } from './internal/check.js';
import { gradsOf } from './internal/grads.js';

export interface ClipGradNormOptions {
  /** The p of the p-norm (> 0), or Infinity for the largest |g| (default 2). */
  readonly normType?: number;
  /** Throw if the total norm is NaN or infinite, instead of scaling by it (default false). */
  readonly errorIfNonfinite?: boolean;
}

/**
 * Clip gradients by their global norm, as `torch.nn.utils.clip_grad_norm_`: the norm of
 * all gradients together (as if concatenated) is computed, and if it exceeds `maxNorm`
 * every gradient is multiplied in place by `maxNorm / (norm + 1e-6)`. Parameters whose
 * `.grad` is null are skipped. Returns the total norm before clipping.
 *
 * @example
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm(
  params: Iterable<Tensor> | Tensor,
  maxNorm: number,
  options: ClipGradNormOptions = {},
): number {
  const op = 'clipGradNorm';
  checkNonNegative(op, 'maxNorm', maxNorm);
  const o = checkOptions(op, options, '{ normType: 2 }');
  const normType = o.normType ?? 2;
  if (normType !== Infinity)
    checkRange(op, 'normType', normType, { lo: 0, hi: Infinity, loOpen: true, hiOpen: true });
  const errorIfNonfinite = checkBoolean(op, 'errorIfNonfinite', o.errorIfNonfinite ?? false);
  const list = gradsOf(op, params);
  // Σ over the gradients of each one's Σ|g|ᵖ (float64), or the largest max |g|: the norm of
  // all gradients as if concatenated. A NaN anywhere makes the total NaN, as in PyTorch.
  let acc = 0;
  for (const p of list) {
    const g = p.grad!;
    const s = sumAbsPow(g, normType);
    if (normType !== Infinity) acc += s;
    else if (s > acc || Number.isNaN(s)) acc = s;
  }
  const total = normType === Infinity ? acc : acc ** (1 / normType);
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError(
      op,
      `the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped; pass { errorIfNonfinite: false } to scale by it anyway`,
    );
  }
  const coef = maxNorm / (total + 1e-6);
  // Written without recording, as PyTorch's clip_grad_norm_ (decorated with no_grad).
  if (!(coef >= 1)) {
    noGrad(() => {
      for (const p of list) p.grad!.mul_(coef);
    });
  }
  return total;
}
