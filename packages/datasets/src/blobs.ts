// Gaussian blobs: one isotropic Gaussian cluster per class.
import { ShapeError, ValueError } from '@tapegrad/core';
import type { Dataset, SyntheticOptions } from './dataset.js';
import {
  checkDtype,
  checkInt,
  checkNonNegative,
  checkOptions,
  describe,
  given,
  optionNames,
  resolveRng,
} from './internal/check.js';
import { classification } from './internal/synthetic.js';

export interface BlobsOptions extends SyntheticOptions {
  /** Number of clusters, one class each (default 3, or the number of `centers`). */
  readonly classes?: number;
  /** The cluster centres, all of one length D (default: `classes` points evenly spaced on the circle of radius 2). */
  readonly centers?: readonly (readonly number[])[];
  /** Points per cluster (default 100). */
  readonly pointsPerClass?: number;
  /** Standard deviation of each coordinate around its centre (default 0.5). */
  readonly std?: number;
}

const OPTIONS = optionNames<BlobsOptions>({
  classes: true,
  centers: true,
  pointsPerClass: true,
  std: true,
  dtype: true,
  seed: true,
  rng: true,
});

/**
 * Gaussian blobs, as scikit-learn's `make_blobs`: class j is `center_j + std · randn(D)`.
 * By default the centres sit evenly on the circle of radius 2, so the classes are 2-D and
 * linearly separable; give `centers` for other layouts or dimensions.
 *
 * Returns `x`: `[classes · N, D]`, `y`: `Int32Array` of labels 0 … classes − 1, class 0 first.
 *
 * @example
 * const { x, y } = blobs({ classes: 4, std: 0.3, seed: 0 }); // x: [400, 2]
 * blobs({ centers: [[0, 0, 0], [3, 3, 3]] });                 // x: [200, 3]
 */
export function blobs(options: BlobsOptions = {}): Dataset<Int32Array> {
  const op = 'blobs';
  const o = checkOptions(op, options, OPTIONS, '{ classes: 3, std: 0.5, seed: 0 }');
  const n = checkInt(op, 'pointsPerClass', given(o.pointsPerClass, 100));
  const std = checkNonNegative(op, 'std', given(o.std, 0.5));
  const dtype = checkDtype(op, given(o.dtype, 'float32'));
  const classes = o.classes === undefined ? undefined : checkInt(op, 'classes', o.classes);
  const centers = o.centers === undefined ? circle(classes ?? 3) : checkCenters(op, o.centers);
  if (classes !== undefined && classes !== centers.length) {
    throw new ValueError(
      op,
      `classes is ${classes} but ${centers.length} centers were given; give one or make them agree`,
    );
  }
  const dims = centers[0]!.length;
  const rng = resolveRng(op, o);
  return classification(dtype, centers.length, n, dims, (j, _i, out) => {
    const c = centers[j]!;
    for (let d = 0; d < dims; d++) out[d] = c[d]! + std * rng.normal();
  });
}

/** The given centres: a non-empty list of equally long lists of finite numbers. */
function checkCenters(op: string, centers: unknown): ArrayLike<number>[] {
  if (!Array.isArray(centers)) {
    throw new ValueError(
      op,
      `centers must be an array of centres such as [[0, 0], [3, 3]], got ${describe(centers)}`,
    );
  }
  if (centers.length === 0) throw new ValueError(op, 'centers must hold at least one centre');
  const out: ArrayLike<number>[] = [];
  let dims = 0;
  centers.forEach((c: unknown, k) => {
    if (!Array.isArray(c) && !(c instanceof Float32Array || c instanceof Float64Array)) {
      throw new ValueError(
        op,
        `centers[${k}] must be an array of coordinates such as [0, 0], got ${describe(c)}`,
      );
    }
    if (k === 0) dims = c.length;
    if (c.length !== dims || dims === 0) {
      throw new ShapeError(
        op,
        `every centre needs the same number (≥ 1) of coordinates: centers[0] has ${dims}, centers[${k}] has ${c.length}`,
        [[dims], [c.length]],
      );
    }
    for (let d = 0; d < c.length; d++) {
      const v: unknown = c[d];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new ValueError(op, `centers[${k}][${d}] must be a finite number, got ${describe(v)}`);
      }
    }
    out.push(c as ArrayLike<number>);
  });
  return out;
}

/** `k` points evenly spaced on the circle of radius 2, the first at (2, 0). */
function circle(k: number): number[][] {
  return Array.from({ length: k }, (_, j) => {
    const a = (2 * Math.PI * j) / k;
    return [2 * Math.cos(a), 2 * Math.sin(a)];
  });
}
