// Row access for datasets: flat views of `x` and `y`, and new datasets made of chosen rows.
// Every row taken is copied into a fresh buffer, so results never alias their source.
import {
  allocate,
  type FloatArray,
  fmtShape,
  fromNdarray,
  ShapeError,
  Tensor,
  ValueError,
} from '@tapegrad/core';
import ndarray from 'ndarray';
import type { Dataset, Targets } from '../dataset.js';

export { allocate, type FloatArray, fmtShape };

/** A tensor over `data` (shared, not copied). */
export function wrap(data: FloatArray, shape: readonly number[]): Tensor {
  return fromNdarray(ndarray(data, shape.slice()));
}

/** A tensor seen as N rows of `rowSize` contiguous values. */
export interface Rows {
  readonly data: FloatArray;
  readonly n: number;
  readonly rowSize: number;
  /** The shape of one row (the tensor's shape without dim 0). */
  readonly rowShape: readonly number[];
}

/** The rows of `t` along dim 0, over its own buffer when it is contiguous (else a copy). */
export function rowsOf(op: string, name: string, t: Tensor): Rows {
  if (!(t instanceof Tensor)) throw new ValueError(op, `${name} must be a Tensor`);
  if (t.ndim === 0) {
    throw new ShapeError(op, `${name} must have a sample dim (dim 0), got a scalar`, [t.shape]);
  }
  // detach: the copy that contiguous() may make is data handling, not a recorded op.
  const c = t.detach().contiguous();
  const n = t.shape[0]!;
  const rowShape = t.shape.slice(1);
  return { data: c.data.data, n, rowSize: n === 0 ? sizeOf(rowShape) : t.size / n, rowShape };
}

export function sizeOf(shape: readonly number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

/** The number of samples of a dataset, checking that `x` and `y` agree on it. */
export function numSamples(op: string, dataset: Dataset): number {
  if (dataset === null || typeof dataset !== 'object') {
    throw new ValueError(op, 'dataset must be an object { x: Tensor, y: Int32Array | Tensor }');
  }
  const { x, y } = dataset;
  if (!(x instanceof Tensor)) throw new ValueError(op, 'dataset.x must be a Tensor');
  if (x.ndim === 0) throw new ShapeError(op, 'dataset.x must have a sample dim, got a scalar', []);
  const n = x.shape[0]!;
  let m: number;
  if (y instanceof Int32Array) m = y.length;
  else if (y instanceof Tensor && y.ndim > 0) m = y.shape[0]!;
  else {
    throw new ValueError(op, 'dataset.y must be an Int32Array of labels or a Tensor [N, …]');
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

/** Rows `order[start]`, …, `order[end - 1]` of `src`, in that order, in a new buffer. */
export function copyRows(
  src: Rows,
  order: ArrayLike<number>,
  start: number,
  end: number,
): FloatArray {
  const k = src.rowSize;
  const out =
    src.data instanceof Float64Array
      ? new Float64Array((end - start) * k)
      : new Float32Array((end - start) * k);
  const data = src.data;
  if (k >= 16) {
    // Long rows (images): one memcpy per row.
    for (let i = start, o = 0; i < end; i++, o += k) {
      const p = order[i]! * k;
      out.set(data.subarray(p, p + k), o);
    }
  } else {
    for (let i = start, o = 0; i < end; i++) {
      const p = order[i]! * k;
      for (let j = 0; j < k; j++) out[o++] = data[p + j]!;
    }
  }
  return out;
}

/** A source of rows for a dataset's inputs and targets, read once. */
export interface DatasetRows<Y extends Targets> {
  readonly n: number;
  readonly x: Rows;
  /** The labels, or the rows of a target tensor. */
  readonly y: Int32Array | Rows;
  /** Never set: carries the target type from `datasetRows` to `takeRows`. */
  readonly targets?: Y;
}

export function datasetRows<Y extends Targets>(op: string, dataset: Dataset<Y>): DatasetRows<Y> {
  const n = numSamples(op, dataset);
  const x = rowsOf(op, 'dataset.x', dataset.x);
  const y = dataset.y instanceof Int32Array ? dataset.y : rowsOf(op, 'dataset.y', dataset.y);
  return { n, x, y };
}

/** A new dataset of the rows `order[start … end)` (copies of both `x` and `y`). */
export function takeRows<Y extends Targets>(
  rows: DatasetRows<Y>,
  order: ArrayLike<number>,
  start: number,
  end: number,
): Dataset<Y> {
  const b = end - start;
  const x = wrap(copyRows(rows.x, order, start, end), [b, ...rows.x.rowShape]);
  let y: Targets;
  if (rows.y instanceof Int32Array) {
    const labels = rows.y;
    const out = new Int32Array(b);
    for (let i = start, o = 0; i < end; i++, o++) out[o] = labels[order[i]!]!;
    y = out;
  } else {
    y = wrap(copyRows(rows.y, order, start, end), [b, ...rows.y.rowShape]);
  }
  return { x, y: y as Y };
}
