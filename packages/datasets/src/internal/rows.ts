// Rows of a dataset (its samples along dim 0): checks, and new datasets made of chosen rows.
// Rows are taken with core's indexSelect, so every result lands in a new buffer and never
// aliases its source.
import { indexSelect, ShapeError, Tensor, ValueError } from '@tapegrad/core';
import { fmtShape } from '@tapegrad/core/op-kit';
import type { Dataset, Targets } from '../dataset.js';
import { describe } from './check.js';

/** Throw unless `t` is a tensor with a sample dim (dim 0). */
export function checkSamples(op: string, name: string, t: Tensor): void {
  if (!(t instanceof Tensor)) {
    throw new ValueError(op, `${name} must be a Tensor, got ${describe(t)}`);
  }
  if (t.ndim === 0) {
    throw new ShapeError(op, `${name} must have a sample dim (dim 0), got a scalar`, [t.shape]);
  }
}

/**
 * `t` as a source of rows along dim 0: cut from any graph (taking rows is data handling, not
 * a recorded op), and dense, so that a strided view is copied once rather than walked by
 * every batch.
 */
export function rowSource(op: string, name: string, t: Tensor): Tensor {
  checkSamples(op, name, t);
  const source = t.detach();
  return source.isContiguous() ? source : source.contiguous();
}

/** The number of samples of a dataset, checking that `x` and `y` agree on it. */
export function numSamples(op: string, dataset: Dataset): number {
  if (dataset === null || typeof dataset !== 'object') {
    throw new ValueError(
      op,
      `dataset must be an object { x: Tensor, y: Int32Array | Tensor }, got ${describe(dataset)}`,
    );
  }
  const { x, y } = dataset;
  if (!(x instanceof Tensor)) {
    throw new ValueError(op, `dataset.x must be a Tensor, got ${describe(x)}`);
  }
  if (x.ndim === 0) throw new ShapeError(op, 'dataset.x must have a sample dim, got a scalar', []);
  const n = x.shape[0]!;
  let m: number;
  if (y instanceof Int32Array) m = y.length;
  else if (y instanceof Tensor && y.ndim > 0) m = y.shape[0]!;
  else {
    const hint =
      Array.isArray(y) || ArrayBuffer.isView(y)
        ? ' (labels: Int32Array.from(y); regression targets: tensor(y))'
        : '';
    throw new ValueError(
      op,
      `dataset.y must be an Int32Array of labels or a Tensor [N, …], got ${describe(y)}${hint}`,
    );
  }
  if (m !== n) {
    throw new ShapeError(
      op,
      `dataset.x has ${n} samples (shape ${fmtShape(x.shape)}) but dataset.y has ${m}`,
      y instanceof Tensor ? [x.shape, y.shape] : [x.shape, [m]],
    );
  }
  return n;
}

/** A dataset checked once, ready to have rows taken: its inputs and targets as row sources. */
export interface DatasetRows<Y extends Targets> {
  readonly n: number;
  readonly x: Tensor;
  /** The labels, or the row source of a target tensor. */
  readonly y: Int32Array | Tensor;
  /** Never set: carries the target type from `datasetRows` to `takeRows`. */
  readonly targets?: Y;
}

export function datasetRows<Y extends Targets>(op: string, dataset: Dataset<Y>): DatasetRows<Y> {
  const n = numSamples(op, dataset);
  const x = rowSource(op, 'dataset.x', dataset.x);
  const y = dataset.y instanceof Int32Array ? dataset.y : rowSource(op, 'dataset.y', dataset.y);
  return { n, x, y };
}

/** A new dataset of the rows `order[start … end)`, in that order (copies of both `x` and `y`). */
export function takeRows<Y extends Targets>(
  rows: DatasetRows<Y>,
  order: Int32Array,
  start: number,
  end: number,
): Dataset<Y> {
  const index = order.subarray(start, end);
  const x = indexSelect(rows.x, 0, index);
  let y: Targets;
  if (rows.y instanceof Int32Array) {
    const labels = rows.y;
    const out = new Int32Array(index.length);
    for (let i = 0; i < index.length; i++) out[i] = labels[index[i]!]!;
    y = out;
  } else {
    y = indexSelect(rows.y, 0, index);
  }
  return { x, y: y as Y };
}
