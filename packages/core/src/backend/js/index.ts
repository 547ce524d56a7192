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
import { gemm } from './matmul.js';
import { argmax, reduce, sumAbsPow } from './reduce.js';
import { adamStep, sgdStep } from './updates.js';

const IDENTITY = input(0);
/** The run-time value of a fill: one compiled kernel serves every value. */
const FILL = param(0);

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
      dst.data.set(src.data.subarray(src.offset, src.offset + n), dst.offset);
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
