// softmaxCrossEntropy: the softmax classifier's loss, -log softmax(z)[y] = logsumexp(z) - z[y],
// fused: one pass per row, shifted by the row max so that no logit size overflows. Its
// gradient (softmax(z) - onehot(y)) · dy is a fused op too, itself differentiable. When the
// loss is recorded for backward, its forward keeps softmax(z) (n·c float64s, as PyTorch keeps
// log_softmax), so that backward computes no exp again.
import {
  arange,
  defineOp,
  eq,
  isGradEnabled,
  type Labels,
  softmax,
  type Tensor,
  tensor,
} from '@tapegrad/core';
import { allocate, arrayDtype, emptyArray, kernels } from '@tapegrad/core/op-kit';
import { lossOutput, scaleOf } from './fused.js';
import { classLabels } from './labels.js';
import { type LossOptions, type Reduction, reductionOf } from './reduction.js';

interface LabelAttrs {
  readonly labels: Int32Array;
}

/** softmax(z) as the forward kernel computed it, for the backward kernel (once it has run). */
interface Probs {
  probs?: Float64Array | undefined;
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
const softmaxCrossEntropyGradOp = defineOp<[z: Tensor, scale: Tensor], LabelAttrs & Probs>({
  name: 'softmaxCrossEntropyBackward',
  arity: 2,
  internal: true,
  forward: ([z, scale], { labels, probs }) => {
    const out = emptyArray(z.shape, arrayDtype(z));
    kernels().softmaxCrossEntropyBackward(z, labels, scale, out.data, probs);
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
  /** Where forward keeps softmax(z) for backward, or null when no backward will run. */
  readonly kept: Probs | null;
}

const softmaxCrossEntropyOp = defineOp<[logits: Tensor], Attrs>({
  name: 'softmaxCrossEntropy',
  arity: 1,
  forward: ([z], { labels, reduction, kept }) => {
    // from core's pool of small buffers: a new Float64Array of 300 or 900 values took ~3 µs
    // in a process with a worker thread
    const losses = allocate('float64', z.shape[0]!) as Float64Array;
    const probs = kept === null ? undefined : (allocate('float64', z.size) as Float64Array);
    kernels().softmaxCrossEntropy(z, labels, losses, probs);
    if (kept !== null) kept.probs = probs;
    return lossOutput(losses, [losses.length], reduction, arrayDtype(z));
  },
  // dz = (softmax(z) - onehot(y)) · dy per sample; the logits are saved (z is read only when
  // the gradient is itself differentiated), so changing them in place still stops backward
  statelessBackward: true,
  backward: (dy, { inputs: [z], attrs: { labels, reduction, kept } }) => {
    const n = z.shape[0]!;
    const scale = scaleOf(dy, reduction, [n, 1], n).contiguous();
    return [softmaxCrossEntropyGradOp.run([z, scale], { labels, probs: kept?.probs })];
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
  // softmax(z) is kept only for a backward that can run: a recorded loss
  const kept: Probs | null = isGradEnabled() && logits.requiresGrad ? {} : null;
  return softmaxCrossEntropyOp.run([logits.contiguous()], { labels: y, reduction, kept });
}
