// Class labels for the multiclass losses: any form core accepts, checked against the scores.
import { IndexError, type Labels, ShapeError, type Tensor } from '@tapegrad/core';
import { toIndexArray } from '@tapegrad/core/op-kit';
import { checkTensor } from '../internal/args.js';
import { fmtShape } from '../internal/values.js';

/**
 * The labels of `scores` (`[N, C]`; called `scoresName` in errors) as an Int32Array of N values
 * in [0, C), always a new array: the loss's backward reads it later, and a caller's buffer
 * may be refilled with the next batch's labels by then.
 */
export function classLabels(
  op: string,
  scores: Tensor,
  labels: Labels,
  scoresName = 'scores',
): Int32Array {
  checkTensor(op, scoresName, scores);
  if (scores.ndim !== 2) {
    throw new ShapeError(
      op,
      `expected ${scoresName} of shape [batch, classes], got ${fmtShape(scores.shape)}`,
      [scores.shape],
    );
  }
  const [n, c] = scores.shape as [number, number];
  const { data: indices, shape } = toIndexArray(op, labels, 'labels');
  if (indices.length !== n || shape.length > 2 || (shape.length === 2 && shape[1] !== 1)) {
    throw new ShapeError(
      op,
      `labels of shape ${fmtShape(shape)} do not match ${scoresName} of shape ${fmtShape(scores.shape)} (expected ${n} labels)`,
      [scores.shape, shape],
    );
  }
  for (let i = 0; i < n; i++) {
    const y = indices[i]!;
    if (y < 0 || y >= c) {
      throw new IndexError(
        op,
        `label ${y} at position ${i} is out of range for ${c} classes (expected 0 ≤ label < ${c})`,
      );
    }
  }
  return indices === labels ? indices.slice() : indices;
}
