// mseLoss: the squared error (p - t)² of regression, averaged.
import { defineOp, type Tensor } from '@tapegrad/core';
import { arrayDtype, E, kernels, makeArray } from '@tapegrad/core/op-kit';
import { checkTensor } from '../internal/args.js';
import { lossOutput, scaleOf } from './fused.js';
import {
  type LossOptions,
  type Reduction,
  reductionOf,
  type Targets,
  targetsLike,
} from './reduction.js';

const [p, t] = E.inputs(2);
const SQUARED_ERROR = E.mul(E.sub(p, t), E.sub(p, t));

const mseOp = defineOp<[pred: Tensor, target: Tensor], { readonly reduction: Reduction }>({
  name: 'mseLoss',
  arity: 2,
  forward: ([p, t], { reduction }) => {
    const losses = new Float64Array(p.size);
    kernels().map(SQUARED_ERROR, [p, t], makeArray(losses, p.shape));
    return lossOutput(losses, p.shape, reduction, arrayDtype(p));
  },
  // dp = 2(p - t), dt = -2(p - t)
  statelessBackward: true,
  backward: (dy, { inputs: [p, t], attrs: { reduction }, needsInputGrad: [, dt] }) => {
    const g = p
      .sub(t)
      .mul(scaleOf(dy, reduction, p.shape, p.size))
      .mul(2);
    return [g, dt ? g.neg() : null];
  },
});

/**
 * The mean squared error between `pred` and `target` (of the same shape; `[N]` and `[N, 1]`
 * are accepted for each other), averaged over every element.
 *
 * @example
 * mseLoss(tensor([1, 2]), [0, 4]).item(); // (1 + 4) / 2 = 2.5
 */
export function mseLoss(pred: Tensor, target: Targets, options: LossOptions = {}): Tensor {
  const op = 'mseLoss';
  checkTensor(op, 'pred', pred);
  const reduction = reductionOf(op, options);
  const t = targetsLike(op, pred, target, 'target');
  return mseOp.run([pred.contiguous(), t.contiguous()], { reduction });
}
