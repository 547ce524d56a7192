// The 'js' backend: the kernels in plain JavaScript over typed arrays. It runs everywhere
// and is the reference the other backends are tested against.

import { isRowMajor, sizeOf } from '../../shape.js';
import { input, param } from '../expr.js';
import type { Kernels, View } from '../kernels.js';
import { map } from './elementwise.js';
import { gather, indexAdd, indexSelect, scatterAdd } from './indexing.js';
import {
  multiclassHinge,
  multiclassHingeBackward,
  softmaxCrossEntropy,
  softmaxCrossEntropyBackward,
} from './losses.js';
import { gemm, gemmBias, gemmBiasRelu } from './matmul.js';
import { argmax, reduce, sumAbsPow } from './reduce.js';
import { adamStep, sgdStep } from './updates.js';

const IDENTITY = input(0);
/** The run-time value of a fill: one compiled kernel serves every value. */
const FILL = param(0);

/** Up to this many values, a dense copy is a loop rather than `set` over a `subarray`. */
const SMALL_COPY = 16;

/** Whether a view's values lie in row-major order from its offset. */
function dense(v: View): boolean {
  return isRowMajor(v.shape, v.stride);
}

export const jsKernels: Kernels = {
  map,
  copy(src, dst) {
    const n = sizeOf(dst.shape);
    // the same dtype, both dense, no broadcast: one block copy
    if (
      src.data.constructor === dst.data.constructor &&
      sizeOf(src.shape) === n &&
      dense(src) &&
      dense(dst)
    ) {
      const s = src.data;
      const d = dst.data;
      if (n <= SMALL_COPY) {
        // a loop: subarray makes a typed array object, which costs more than a few values
        for (let i = 0, so = src.offset, o = dst.offset; i < n; i++) d[o + i] = s[so + i]!;
      } else d.set(s.subarray(src.offset, src.offset + n), dst.offset);
      return;
    }
    map(IDENTITY, [src], dst);
  },
  fill(dst, value) {
    if (dense(dst)) dst.data.fill(value, dst.offset, dst.offset + sizeOf(dst.shape));
    else map(FILL, [], dst, [value]);
  },
  reduce,
  argmax,
  sumAbsPow,
  gemm,
  gemmBias,
  gemmBiasRelu,
  gather,
  scatterAdd,
  indexSelect,
  indexAdd,
  sgdStep,
  adamStep,
  softmaxCrossEntropy,
  softmaxCrossEntropyBackward,
  multiclassHinge,
  multiclassHingeBackward,
};
