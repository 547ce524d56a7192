// clipGradNorm: rescale the gradients so that their global norm is at most maxNorm.
import { type Tensor, ValueError } from '@tapegrad/core';
import { checkBoolean, checkNonNegative, checkRange } from './internal/check.js';
import { gradOffset } from './internal/dense.js';
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
  const normType = options.normType ?? 2;
  if (normType !== Infinity)
    checkRange(op, 'normType', normType, { lo: 0, hi: Infinity, loOpen: true, hiOpen: true });
  const errorIfNonfinite = checkBoolean(op, 'errorIfNonfinite', options.errorIfNonfinite ?? false);
  const list = gradsOf(op, params);
  let acc = 0;
  for (const p of list) {
    const g = p.grad!;
    const d = g.data.data;
    const off = gradOffset(op, p, g);
    const n = p.size;
    if (normType === Infinity) {
      for (let i = 0; i < n; i++) {
        const a = Math.abs(d[off + i]!);
        if (a > acc || Number.isNaN(a)) acc = a;
      }
    } else if (normType === 2) {
      for (let i = 0; i < n; i++) acc += d[off + i]! * d[off + i]!;
    } else {
      for (let i = 0; i < n; i++) acc += Math.abs(d[off + i]!) ** normType;
    }
  }
  const total = normType === Infinity ? acc : acc ** (1 / normType);
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new ValueError(
      op,
      `the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped; pass { errorIfNonfinite: false } to scale by it anyway`,
    );
  }
  const coef = maxNorm / (total + 1e-6);
  if (!(coef >= 1)) {
    for (const p of list) {
      const g = p.grad!;
      const d = g.data.data;
      const off = gradOffset(op, p, g);
      const n = p.size;
      for (let i = 0; i < n; i++) d[off + i] = d[off + i]! * coef;
    }
  }
  return total;
}
