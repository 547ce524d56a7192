// softmaxCrossEntropy: the softmax classifier's loss, -log softmax(z)[y] = logsumexp(z) - z[y],
// fused: one pass per row, shifted by the row max so that no logit size overflows. Its
// gradient (softmax(z) - onehot(y)) · dy is a fused op too, itself differentiable.
import { arange, defineOp, eq, type Labels, softmax, type Tensor, tensor } from '@tapegrad/core';
import { arrayDtype, emptyArray, kernels } from '@tapegrad/core/op-kit';
import { lossOutput, scaleOf } from './fused.js';
import { classLabels } from './labels.js';
import { type LossOptions, type Reduction, reductionOf } from './reduction.js';

interface LabelAttrs {
  readonly labels: Int32Array;
}

/** 1 at each row's label, 0 elsewhere: the class indices compared with each row's label. */
function oneHot(labels: Int32Array, n: number, c: number, like: Tensor): Tensor {
  const dtype = like.dtype;
  return eq(
    arange(c, undefined, 1, { dtype }).reshape([1, c]),
    tensor(labels, { shape: [n, 1], dtype }),
  );
}

/** (softmax(z) - onehot(y)) ⊙ scale, with scale `[n, 1]` or a scalar, in one pass. */
const softmaxCrossEntropyGradOp = defineOp<[z: Tensor, scale: Tensor], LabelAttrs>({
  name: 'softmaxCrossEntropyBackward',
  arity: 2,
  internal: true,
  forward: ([z, scale], { labels }) => {
    const out = emptyArray(z.shape, arrayDtype(z));
    kernels().softmaxCrossEntropyBackward(z, labels, scale, out.data);
    return out;
  },
  // the vector-Jacobian product of softmax for z; the per-row dot with softmax - onehot for scale
  statelessBackward: true,
  backward: (g, { inputs: [z, scale], attrs: { labels } }) => {
    const [n, c] = z.shape as [number, number];
    const y = softmax(z, 1);
    const gs = g.mul(scale);
    const dz = y.mul(gs.sub(gs.mul(y).sum(1, true)));
    const dscale = g.mul(y.sub(oneHot(labels, n, c, z))).sum(1, true);
    return [dz, dscale];
  },
});

interface Attrs extends LabelAttrs {
  readonly reduction: Reduction;
}

const softmaxCrossEntropyOp = defineOp<[logits: Tensor], Attrs>({
  name: 'softmaxCrossEntropy',
  arity: 1,
  forward: ([z], { labels, reduction }) => {
    const losses = new Float64Array(z.shape[0]!);
    kernels().softmaxCrossEntropy(z, labels, losses);
    return lossOutput(losses, [losses.length], reduction, arrayDtype(z));
  },
  // dz = (softmax(z) - onehot(y)) · dy per sample
  statelessBackward: true,
  backward: (dy, { inputs: [z], attrs: { labels, reduction } }) => {
    const n = z.shape[0]!;
    const scale = scaleOf(dy, reduction, [n, 1], n).contiguous();
    return [softmaxCrossEntropyGradOp.run([z, scale], { labels })];
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
