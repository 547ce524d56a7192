// hingeLoss: the binary SVM loss max(0, 1 - t·s) for targets t = ±1. A composition of core
// ops: a fused kernel measured no faster (its backward needs the same few ops).
import type { Tensor } from '@tapegrad/core';
import { checkTensor } from '../internal/args.js';
import {
  checkTargets,
  type LossOptions,
  reduce,
  reductionOf,
  type Targets,
  targetsLike,
} from './reduction.js';

/**
 * The binary SVM's hinge loss `max(0, 1 - t·s)` for scores `s` and targets `t` = ±1 (of the
 * scores' shape; `[N]` and `[N, 1]` are accepted for each other), averaged over every
 * element. Targets of 0/1 are an error: use `2y - 1` (targets that require grad are not
 * checked). On the hinge itself (t·s = 1) the gradient is 0, as relu'(0).
 *
 * @example
 * hingeLoss(tensor([2, 0.5, -1]), [1, 1, 1]).item(); // (0 + 0.5 + 2) / 3
 */
export function hingeLoss(scores: Tensor, targets: Targets, options: LossOptions = {}): Tensor {
  const op = 'hingeLoss';
  checkTensor(op, 'scores', scores);
  const reduction = reductionOf(op, options);
  const t = targetsLike(op, scores, targets);
  checkTargets(op, t, (v) => v === 1 || v === -1, '-1 or 1 (for 0/1 labels y, pass 2y - 1)');
  return reduce(t.mul(scores).neg().add(1).relu(), reduction);
}
