// What the losses share: the reduction option, turning targets into tensors, shape checks.
import { ShapeError, Tensor, tensor, ValueError } from '@tapegrad/core';
import { optionsOf, show } from '../internal/args.js';
import { fmtShape, sameShape } from '../internal/values.js';

/** How a loss reduces over the samples: the mean (default), the sum, or none (one value each). */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options every loss takes. @example softmaxCrossEntropy(z, y, { reduction: 'sum' }) */
export interface LossOptions {
  readonly reduction?: Reduction;
}

/** The reduction of `options`, checked; a ValueError names the loss. */
export function reductionOf(op: string, options: LossOptions): Reduction {
  const r = optionsOf(op, options, "{ reduction: 'sum' }").reduction ?? 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') {
    throw new ValueError(op, `reduction must be 'mean', 'sum' or 'none', got ${show(r)}`);
  }
  return r;
}

/** Targets given as a tensor, or as numbers (converted to `like`'s dtype). */
export type Targets = Tensor | ArrayLike<number>;

/** The shape without its size-1 dims. */
function squeezed(shape: readonly number[]): number[] {
  return shape.filter((d) => d !== 1);
}

/**
 * `targets` as a tensor of `input`'s shape. Shapes equal up to size-1 dims (`[N]` against
 * `[N, 1]`) are reshaped instead of broadcast; anything else is a ShapeError naming both.
 */
export function targetsLike(op: string, input: Tensor, targets: Targets, name = 'targets'): Tensor {
  if (
    !(targets instanceof Tensor) &&
    !Array.isArray(targets) &&
    !(ArrayBuffer.isView(targets) && !(targets instanceof DataView))
  ) {
    throw new ValueError(
      op,
      `${name} must be a Tensor or an array of numbers, got ${show(targets)}`,
    );
  }
  const t =
    targets instanceof Tensor
      ? targets
      : tensor(Float64Array.from(targets as ArrayLike<number>), { dtype: input.dtype });
  if (sameShape(t.shape, input.shape)) return t;
  if (sameShape(squeezed(t.shape), squeezed(input.shape))) return t.reshape(input.shape);
  throw new ShapeError(
    op,
    `${name} of shape ${fmtShape(t.shape)} do not match the input of shape ${fmtShape(input.shape)}`,
    [input.shape, t.shape],
  );
}

/**
 * Check that every target is in `allowed(v)`; a ValueError names the first that is not.
 * Targets that require grad (learned targets) are continuous by nature and not checked.
 */
export function checkTargets(
  op: string,
  t: Tensor,
  allowed: (v: number) => boolean,
  expected: string,
): void {
  if (t.requiresGrad) return;
  const d = t.toTypedArray();
  for (let i = 0; i < d.length; i++) {
    if (!allowed(d[i]!)) {
      throw new ValueError(op, `targets must be ${expected}, got ${d[i]} at position ${i}`);
    }
  }
}

/** Apply a reduction to per-sample (or per-element) losses. */
export function reduce(losses: Tensor, reduction: Reduction): Tensor {
  if (reduction === 'none') return losses;
  return reduction === 'sum' ? losses.sum() : losses.mean();
}
