// clipGradValue: clamp every gradient element to [-clipValue, clipValue].
import type { Tensor } from '@tapegrad/core';
import { checkNonNegative } from './internal/check.js';
import { gradOffset } from './internal/dense.js';
import { gradsOf } from './internal/grads.js';

/**
 * Clip gradients by value, in place, as `torch.nn.utils.clip_grad_value_`: every element
 * of every `.grad` is clamped to `[-clipValue, clipValue]`. Parameters whose `.grad` is
 * null are skipped.
 *
 * @example
 * loss.backward();
 * clipGradValue(model.parameters(), 0.5);
 * opt.step();
 */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  const op = 'clipGradValue';
  const c = checkNonNegative(op, 'clipValue', clipValue);
  for (const p of gradsOf(op, params)) {
    const g = p.grad!;
    const d = g.data.data;
    const off = gradOffset(op, p, g);
    const n = p.size;
    for (let i = 0; i < n; i++) {
      const v = d[off + i]!;
      if (v > c) d[off + i] = c;
      else if (v < -c) d[off + i] = -c;
    }
  }
}
