// indexSelect: the slices of x at `index` along one dim, in the index's order (PyTorch's
// index_select): a batch of rows, a subset of features. Its gradient adds dy's slices back at
// their indices (an index used twice gets both), through an op whose own gradient is the
// selection again.
import { checkTensor } from '../args.js';
import { arrayDtype, emptyArray } from '../array.js';
import { defineOp, type Op } from '../autograd/define-op.js';
import { kernels } from '../backend/registry.js';
import { ShapeError } from '../errors.js';
import { checkRange, type Labels, toIndexArray } from '../labels.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';

export interface IndexSelectAttrs {
  readonly dim: number;
  /** The indices, each in [0, size of dim). */
  readonly index: Int32Array;
}

export interface IndexAddAttrs extends IndexSelectAttrs {
  /** The size of `dim` in the result (the selected input's). */
  readonly size: number;
}

export const indexSelectOp: Op<[x: Tensor], IndexSelectAttrs> = defineOp<
  [x: Tensor],
  IndexSelectAttrs
>({
  name: 'indexSelect',
  arity: 1,
  forward: ([x], { dim, index }) => {
    const shape = x.shape.slice();
    shape[dim] = index.length;
    const out = emptyArray(shape, arrayDtype(x));
    kernels().indexSelect(x, dim, index, out.data);
    return out;
  },
  saves: [],
  statelessBackward: true,
  backward: (dy, { inputs: [x], attrs }) => [
    indexAddOp.run([dy], { ...attrs, size: x.shape[attrs.dim]! }),
  ],
});

/** Zeros with `size` slices along dim, dy's slices added at `index`. */
export const indexAddOp: Op<[dy: Tensor], IndexAddAttrs> = defineOp<[dy: Tensor], IndexAddAttrs>({
  name: 'indexAdd',
  arity: 1,
  internal: true,
  forward: ([dy], { dim, index, size }) => {
    const shape = dy.shape.slice();
    shape[dim] = size;
    const out = emptyArray(shape, arrayDtype(dy));
    kernels().indexAdd(dy, dim, index, out.data);
    return out;
  },
  saves: [],
  statelessBackward: true,
  backward: (ddy, { attrs: { dim, index } }) => [indexSelectOp.run([ddy], { dim, index })],
});

/**
 * The slices of `x` along `dim` at the positions in `index` (a 1-D list of whole numbers),
 * in that order; indices may repeat.
 *
 * @example
 * indexSelect(x, 0, [3, 0, 3]) // rows 3, 0 and 3 of x
 */
export function indexSelect(x: Tensor, dim: number, index: Labels): Tensor {
  checkTensor('indexSelect', x);
  const d = normalizeDim('indexSelect', dim, x.ndim, x.shape);
  const idx = toIndexArray('indexSelect', index);
  if (idx.shape.length !== 1) {
    throw new ShapeError('indexSelect', `index must be 1-D, got shape [${idx.shape.join(',')}]`, [
      x.shape,
      idx.shape,
    ]);
  }
  checkRange('indexSelect', idx.data, x.shape[d]!);
  return indexSelectOp.run([x], { dim: d, index: idx.data });
}
