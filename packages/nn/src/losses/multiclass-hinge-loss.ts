// multiclassHingeLoss: the cs231n multiclass SVM, L_i = Σ_{j≠y_i} max(0, s_j - s_{y_i} + Δ).
import { defineOp, type Labels, type Tensor, tensor, ValueError } from '@tapegrad/core';
import { dtypeOfArray, lossOutput, scaleOf } from './fused.js';
import { classLabels } from './labels.js';
import { type LossOptions, type Reduction, reductionOf } from './reduction.js';

interface Attrs {
  readonly labels: Int32Array;
  readonly margin: number;
  readonly reduction: Reduction;
}

const multiclassHingeOp = defineOp<Attrs>({
  name: 'multiclassHingeLoss',
  arity: 1,
  forward: ([s], { labels, margin, reduction }) => {
    const [n, c] = s!.shape as [number, number];
    const d = s!.data;
    const losses = new Float64Array(n);
    for (let i = 0, row = 0; i < n; i++, row += c) {
      const y = labels[i]!;
      const sy = d[row + y]!;
      let l = 0;
      for (let j = 0; j < c; j++) if (j !== y) l += Math.max(0, d[row + j]! - sy + margin);
      losses[i] = l;
    }
    return lossOutput(losses, [n], reduction, dtypeOfArray(d));
  },
  // each violated margin adds +1 to its class and -1 to the true class; the loss is piecewise
  // linear, so the gradient is constant (its own gradient is zero)
  backward: (dy, { inputs: [s], attrs: { labels, margin, reduction } }) => {
    const [n, c] = s!.shape as [number, number];
    const d = s!.toTypedArray();
    const g = new Float64Array(n * c);
    for (let i = 0, row = 0; i < n; i++, row += c) {
      const y = labels[i]!;
      for (let j = 0; j < c; j++) {
        if (j !== y && d[row + j]! - d[row + y]! + margin > 0) {
          g[row + j] = 1;
          g[row + y]! -= 1;
        }
      }
    }
    const grad = tensor(g, { shape: [n, c], dtype: s!.dtype });
    return [grad.mul(scaleOf(dy, reduction, [n, 1], n))];
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
  if (!Number.isFinite(margin))
    throw new ValueError(op, `margin must be a finite number, got ${margin}`);
  const y = classLabels(op, scores, labels);
  return multiclassHingeOp.run([scores.contiguous()], { labels: y, margin, reduction });
}
