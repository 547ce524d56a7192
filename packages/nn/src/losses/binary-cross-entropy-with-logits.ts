// binaryCrossEntropyWithLogits: the binary softmax / logistic regression loss on logits,
// -[t log σ(z) + (1 - t) log(1 - σ(z))] computed as max(z, 0) - z·t + log1p(e^-|z|), which
// neither overflows nor loses the small probabilities for logits of any size.
import { defineOp, sigmoid, type Tensor } from '@tapegrad/core';
import { dtypeOfArray, lossOutput, scaleOf } from './fused.js';
import {
  checkTargets,
  type LossOptions,
  type Reduction,
  reductionOf,
  type Targets,
  targetsLike,
} from './reduction.js';

const bceOp = defineOp<{ readonly reduction: Reduction }>({
  name: 'binaryCrossEntropyWithLogits',
  arity: 2,
  forward: ([z, t], { reduction }) => {
    const zd = z!.data;
    const td = t!.data;
    const losses = new Float64Array(zd.length);
    for (let i = 0; i < zd.length; i++) {
      const v = zd[i]!;
      losses[i] = Math.max(v, 0) - v * td[i]! + Math.log1p(Math.exp(-Math.abs(v)));
    }
    return lossOutput(losses, z!.shape, reduction, dtypeOfArray(zd));
  },
  // dz = σ(z) - t, dt = -z
  backward: (dy, { inputs: [z, t], attrs: { reduction } }) => {
    const scale = scaleOf(dy, reduction, z!.shape, z!.size);
    return [sigmoid(z!).sub(t!).mul(scale), t!.requiresGrad ? z!.neg().mul(scale) : null];
  },
});

/**
 * Binary cross-entropy on logits (the binary softmax, or logistic regression, classifier):
 * `targets` in [0, 1] (usually 0/1) of the logits' shape (`[N]` and `[N, 1]` are accepted for
 * each other), averaged over every element. Stable for logits of any size.
 *
 * @example
 * binaryCrossEntropyWithLogits(tensor([0, 2]), [1, 0]).item(); // (log 2 + 2.127) / 2
 */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  targets: Targets,
  options: LossOptions = {},
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  const reduction = reductionOf(op, options);
  const t = targetsLike(op, logits, targets);
  checkTargets(op, t, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  return bceOp.run([logits.contiguous(), t.contiguous()], { reduction });
}
