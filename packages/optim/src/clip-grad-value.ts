// clipGradValue: clamp every gradient element to [-clipValue, clipValue].
import { noGrad, type Tensor } from '@tapegrad/core';
import { checkNonNegative } from './internal/check.js';
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
  const list = gradsOf(op, params);
  // Written without recording, as PyTorch's clip_grad_value_ (decorated with no_grad).
  noGrad(() => {
    for (const p of list) p.grad!.clamp_(-c, c);
  });
}
