// One-hot encoding of class labels.
import { type DType, IndexError, type Labels, type Tensor, ValueError } from '@tapegrad/core';
import { allocate, fromBuffer, toIndexArray } from '@tapegrad/core/op-kit';
import {
  checkDtype,
  checkInt,
  checkLabels,
  checkOptions,
  describe,
  given,
  optionNames,
} from './internal/check.js';

export interface OneHotOptions {
  /** 'float32' (default) or 'float64'. */
  readonly dtype?: DType;
}

const OPTIONS = optionNames<OneHotOptions>({ dtype: true });

/**
 * One-hot rows for class labels: label c becomes a row of `numClasses` zeros with a 1 at c.
 * `numClasses` defaults to the largest label + 1. Labels of shape S give a tensor
 * `[...S, numClasses]`; a label outside [0, numClasses) is an IndexError naming it.
 *
 * @example
 * oneHot(Int32Array.of(0, 2, 1), 3).toArray(); // [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
 */
export function oneHot(labels: Labels, numClasses?: number, options: OneHotOptions = {}): Tensor {
  const op = 'oneHot';
  const checked = checkLabels(op, 'labels', labels);
  const n: unknown = numClasses;
  if (n !== null && typeof n === 'object' && Object.getPrototypeOf(n) === Object.prototype) {
    throw new ValueError(
      op,
      `numClasses must be a whole number ≥ 1, got ${describe(n)}; options go third: oneHot(labels, undefined, { dtype })`,
    );
  }
  const classes = n === undefined ? undefined : checkInt(op, 'numClasses', n);
  const o = checkOptions(op, options, OPTIONS, "{ dtype: 'float64' }");
  const dtype = checkDtype(op, given(o.dtype, 'float32'));
  const { data, shape } = toIndexArray(op, checked, 'labels');
  let c: number;
  if (classes === undefined) {
    c = 0;
    for (let i = 0; i < data.length; i++) if (data[i]! + 1 > c) c = data[i]! + 1;
  } else c = classes;
  const out = allocate(dtype, data.length * c);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < 0 || v >= c) {
      throw new IndexError(
        op,
        `label ${v} at position ${i} is out of range for ${c} classes (expected 0 ≤ label < ${c})`,
      );
    }
    out[i * c + v] = 1;
  }
  return fromBuffer(out, [...shape, c]);
}
