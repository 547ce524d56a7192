// softmaxCrossEntropy: the softmax classifier's loss, -log softmax(z)[y] = logsumexp(z) - z[y],
// fused: one pass per row, shifted by the row max so that no logit size overflows. Its
// gradient (softmax(z) - onehot(y)) · dy is a fused op too, itself differentiable.
import { defineOp, type Labels, softmax, type Tensor, tensor, zeros } from '@tapegrad/core';
import { dtypeOfArray, lossOutput, scaleOf } from './fused.js';
import { classLabels } from './labels.js';
import { type LossOptions, type Reduction, reductionOf } from './reduction.js';

/** Visit each row of `[n, c]` logits with its max (0 if not finite) and Σ exp(z - max). */
function eachRow(
  d: ArrayLike<number>,
  n: number,
  c: number,
  visit: (i: number, row: number, m: number, s: number) => void,
): void {
  for (let i = 0, row = 0; i < n; i++, row += c) {
    let m = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < c; j++) if (d[row + j]! > m) m = d[row + j]!;
    if (!Number.isFinite(m)) m = 0; // all -Inf, or an Inf: keep the arithmetic exact
    let s = 0;
    for (let j = 0; j < c; j++) s += Math.exp(d[row + j]! - m);
    visit(i, row, m, s);
  }
}

function oneHot(labels: Int32Array, n: number, c: number, like: Tensor): Tensor {
  const t = zeros([n, c], { dtype: like.dtype });
  for (let i = 0; i < n; i++) t.data.data[i * c + labels[i]!] = 1;
  return t;
}

/** (softmax(z) - onehot(y)) ⊙ scale, with scale `[n, 1]` or a scalar, in one pass. */
const softmaxCrossEntropyGradOp = defineOp<{ readonly labels: Int32Array }>({
  name: 'softmaxCrossEntropyBackward',
  arity: 2,
  forward: ([z, scale], { labels }) => {
    const [n, c] = z!.shape as [number, number];
    const d = z!.data;
    const k = scale!.data;
    const out = new Float64Array(n * c);
    eachRow(d, n, c, (i, row, m, s) => {
      const si = k.length === 1 ? k[0]! : k[i]!;
      for (let j = 0; j < c; j++) out[row + j] = (Math.exp(d[row + j]! - m) / s) * si;
      out[row + labels[i]!]! -= si;
    });
    return tensor(out, { shape: [n, c], dtype: dtypeOfArray(d) }).data;
  },
  // the vector-Jacobian product of softmax for z; the per-row dot with softmax - onehot for scale
  backward: (g, { inputs: [z, scale], attrs: { labels } }) => {
    const [n, c] = z!.shape as [number, number];
    const y = softmax(z!, 1);
    const gs = g.mul(scale!);
    const dz = y.mul(gs.sub(gs.mul(y).sum(1, true)));
    const dscale = g.mul(y.sub(oneHot(labels, n, c, z!))).sum(1, true);
    return [dz, dscale];
  },
});

interface Attrs {
  readonly labels: Int32Array;
  readonly reduction: Reduction;
}

const softmaxCrossEntropyOp = defineOp<Attrs>({
  name: 'softmaxCrossEntropy',
  arity: 1,
  forward: ([z], { labels, reduction }) => {
    const [n, c] = z!.shape as [number, number];
    const d = z!.data;
    const losses = new Float64Array(n);
    eachRow(d, n, c, (i, row, m, s) => {
      losses[i] = m + Math.log(s) - d[row + labels[i]!]!;
    });
    return lossOutput(losses, [n], reduction, dtypeOfArray(d));
  },
  // dz = (softmax(z) - onehot(y)) · dy per sample
  backward: (dy, { inputs: [z], attrs: { labels, reduction } }) => {
    const n = z!.shape[0]!;
    const scale = scaleOf(dy, reduction, [n, 1], n).contiguous();
    return [softmaxCrossEntropyGradOp.run([z!, scale], { labels })];
  },
});

/**
 * The softmax classifier's cross-entropy loss for `logits` `[batch, classes]` and class
 * indices `labels` (`Int32Array`, `number[]` or a tensor of whole numbers), averaged over the
 * batch: mean of `logsumexp(z_i) - z_i[y_i]`. Stable for logits of any size.
 *
 * @example
 * softmaxCrossEntropy(tensor([[2, 1, 0.1]]), [0]).item(); // 0.417…
 */
export function softmaxCrossEntropy(
  logits: Tensor,
  labels: Labels,
  options: LossOptions = {},
): Tensor {
  const op = 'softmaxCrossEntropy';
  const reduction = reductionOf(op, options);
  const y = classLabels(op, logits, labels, 'logits');
  return softmaxCrossEntropyOp.run([logits.contiguous()], { labels: y, reduction });
}
