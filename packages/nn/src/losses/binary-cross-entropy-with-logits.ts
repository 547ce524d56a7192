// binaryCrossEntropyWithLogits: the binary softmax / logistic regression loss on logits,
// -[t log σ(z) + (1 - t) log(1 - σ(z))] computed as max(z, 0) - z·t + log1p(e^-|z|), which
// neither overflows nor loses the small probabilities for logits of any size.
import { defineOp, sigmoid, type Tensor } from '@tapegrad/core';
import { arrayDtype, E, kernels, makeArray } from '@tapegrad/core/op-kit';
import { checkTensor } from '../internal/args.js';
import { lossOutput, scaleOf } from './fused.js';
import {
  checkTargets,
  type LossOptions,
  type Reduction,
  reductionOf,
  type Targets,
  targetsLike,
} from './reduction.js';

const [z, t] = E.inputs(2);
const LOSS = E.add(E.sub(E.max(z, 0), E.mul(z, t)), E.log1p(E.exp(E.neg(E.abs(z)))));

const bceOp = defineOp<[logits: Tensor, targets: Tensor], { readonly reduction: Reduction }>({
  name: 'binaryCrossEntropyWithLogits',
  arity: 2,
  forward: ([z, t], { reduction }) => {
    const losses = new Float64Array(z.size);
    kernels().map(LOSS, [z, t], makeArray(losses, z.shape));
    return lossOutput(losses, z.shape, reduction, arrayDtype(z));
  },
  // dz = σ(z) - t, dt = -z
  statelessBackward: true,
  backward: (dy, { inputs: [z, t], attrs: { reduction }, needsInputGrad: [, dt] }) => {
    const scale = scaleOf(dy, reduction, z.shape, z.size);
    return [sigmoid(z).sub(t).mul(scale), dt ? z.neg().mul(scale) : null];
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
  checkTensor(op, 'logits', logits);
  const reduction = reductionOf(op, options);
  const t = targetsLike(op, logits, targets);
  checkTargets(op, t, (v) => v >= 0 && v <= 1, 'in [0, 1]');
  return bceOp.run([logits.contiguous(), t.contiguous()], { reduction });
}
