// gather: out[i][j] = x[index[i][j]][j] along `dim` (PyTorch's gather). Its gradient is a
// scatter-add of dy, whose own gradient is the gather again.
import { checkTensor } from '../args.js';
import { arrayDtype, emptyArray } from '../array.js';
import { defineOp, type Op } from '../autograd/define-op.js';
import type { IndexArray } from '../backend/kernels.js';
import { kernels } from '../backend/registry.js';
import { fmtShape, ShapeError } from '../errors.js';
import { checkRange, type Labels, toIndexArray } from '../labels.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';

export interface GatherAttrs {
  readonly dim: number;
  readonly index: IndexArray;
}

export interface ScatterAddAttrs extends GatherAttrs {
  /** The shape of the result (the gathered input's). */
  readonly shape: readonly number[];
}

export const gatherOp: Op<[x: Tensor], GatherAttrs> = defineOp<[x: Tensor], GatherAttrs>({
  name: 'gather',
  arity: 1,
  forward: ([x], { dim, index }) => {
    const out = emptyArray(index.shape, arrayDtype(x));
    kernels().gather(x, dim, index, out.data);
    return out;
  },
  saves: [],
  statelessBackward: true,
  backward: (dy, { inputs: [x], attrs }) => [scatterAddOp.run([dy], { ...attrs, shape: x.shape })],
});

/** Zeros of x's shape with dy added at the gathered positions. */
export const scatterAddOp: Op<[dy: Tensor], ScatterAddAttrs> = defineOp<
  [dy: Tensor],
  ScatterAddAttrs
>({
  name: 'scatterAdd',
  arity: 1,
  internal: true,
  forward: ([dy], { dim, index, shape }) => {
    const out = emptyArray(shape, arrayDtype(dy));
    kernels().scatterAdd(dy, dim, index, out);
    return out;
  },
  saves: [],
  statelessBackward: true,
  backward: (ddy, { attrs }) => [gatherOp.run([ddy], attrs)],
});

/**
 * Pick values along `dim` at `index` (same rank as x; in the other dims no larger than x).
 * @example gather(logProbs, 1, labels.reshape([-1, 1])) // each row's label column
 */
export function gather(x: Tensor, dim: number, index: Labels): Tensor {
  checkTensor('gather', x);
  const d = normalizeDim('gather', dim, x.ndim, x.shape);
  const idx = toIndexArray('gather', index);
  const fits =
    idx.shape.length === x.ndim && idx.shape.every((n, i) => i === d || n <= x.shape[i]!);
  if (!fits) {
    throw new ShapeError(
      'gather',
      `index of shape ${fmtShape(idx.shape)} does not fit input of shape ${fmtShape(x.shape)} along dim ${d} (same rank, other dims no larger)`,
      [x.shape, idx.shape],
    );
  }
  checkRange('gather', idx.data, x.shape[d]!);
  return gatherOp.run([x], { dim: d, index: idx });
}
