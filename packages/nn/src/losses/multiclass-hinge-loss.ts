// multiclassHingeLoss: the cs231n multiclass SVM, L_i = Σ_{j≠y_i} max(0, s_j - s_{y_i} + Δ).
import { defineOp, type Labels, type Tensor, ValueError } from '@tapegrad/core';
import { arrayDtype, emptyArray, kernels } from '@tapegrad/core/op-kit';
import { show } from '../internal/args.js';
import { lossOutput, scaleOf } from './fused.js';
import { classLabels } from './labels.js';
import { type LossOptions, type Reduction, reductionOf } from './reduction.js';

interface MarginAttrs {
  readonly labels: Int32Array;
  readonly margin: number;
}

interface Attrs extends MarginAttrs {
  readonly reduction: Reduction;
}

/**
 * The loss's subgradient per sample: +1 for each class within the margin, minus their count
 * at the true class. Piecewise constant in the scores, so it has no gradient of its own.
 */
const multiclassHingeGradOp = defineOp<[scores: Tensor], MarginAttrs>({
  name: 'multiclassHingeBackward',
  arity: 1,
  internal: true,
  forward: ([s], { labels, margin }) => {
    const out = emptyArray(s.shape, arrayDtype(s));
    kernels().multiclassHingeBackward(s, labels, margin, out.data);
    return out;
  },
});

const multiclassHingeOp = defineOp<[scores: Tensor], Attrs>({
  name: 'multiclassHingeLoss',
  arity: 1,
  forward: ([s], { labels, margin, reduction }) => {
    const losses = new Float64Array(s.shape[0]!);
    kernels().multiclassHinge(s, labels, margin, losses);
    return lossOutput(losses, [losses.length], reduction, arrayDtype(s));
  },
  // each violated margin adds +1 to its class and -1 to the true class; the loss is piecewise
  // linear, so the gradient is constant (its own gradient is zero)
  statelessBackward: true,
  backward: (dy, { inputs: [s], attrs: { labels, margin, reduction } }) => {
    const n = s.shape[0]!;
    const g = multiclassHingeGradOp.run([s], { labels, margin });
    return [g.mul(scaleOf(dy, reduction, [n, 1], n))];
  },
});

/**
 * The multiclass SVM loss of the cs231n notes for `scores` `[batch, classes]` and class
 * indices `labels`: each wrong class whose score comes within `margin` (Δ, default 1) of the
 * true class's adds the violation, averaged over the batch.
 *
 * @example
 * // the notes' example: scores [13, -7, 11], true class 0, Δ = 10 → 8
 * multiclassHingeLoss(tensor([[13, -7, 11]]), [0], 10).item(); // 8
 */
export function multiclassHingeLoss(
  scores: Tensor,
  labels: Labels,
  margin = 1,
  options: LossOptions = {},
): Tensor {
  const op = 'multiclassHingeLoss';
  const reduction = reductionOf(op, options);
  if (typeof margin !== 'number' || !Number.isFinite(margin))
    throw new ValueError(op, `margin must be a finite number, got ${show(margin)}`);
  const y = classLabels(op, scores, labels);
  return multiclassHingeOp.run([scores.contiguous()], { labels: y, margin, reduction });
}
