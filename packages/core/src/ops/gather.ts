// gather: out[i][j] = x[index[i][j]][j] along `dim` (PyTorch's gather). Its gradient is a
// scatter-add of dy, whose own gradient is the gather again.
import ndarray from 'ndarray';
import { defineOp, type Op } from '../autograd/define-op.js';
import { allocate, dtypeOf } from '../dtype.js';
import { fmtShape, ShapeError } from '../errors.js';
import { checkRange, type IndexArray, type Labels, toIndexArray } from '../labels.js';
import { contiguousStrides, normalizeDim, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { Arr } from './elementwise.js';
import { contiguousArray } from './reshape.js';

interface GatherAttrs {
  readonly dim: number;
  readonly index: IndexArray;
}

/** Visit every position of the index: `(k, p)` with k the index's flat position and p x's offset. */
function walk(x: Arr, { dim, index }: GatherAttrs, visit: (k: number, p: number) => void): void {
  const shape = index.shape;
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  const n = index.data.length;
  for (let k = 0; k < n; k++) {
    let p = x.offset;
    for (let d = 0; d < nd; d++) p += (d === dim ? index.data[k]! : idx[d]!) * x.stride[d]!;
    visit(k, p);
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}

const gatherOp: Op<GatherAttrs> = defineOp<GatherAttrs>({
  name: 'gather',
  arity: 1,
  forward: ([x], attrs) => {
    const out = allocate(dtypeOf(x!.data), attrs.index.data.length);
    const d = x!.data;
    walk(x!, attrs, (k, p) => {
      out[k] = d[p]!;
    });
    return ndarray(out, attrs.index.shape.slice());
  },
  backward: (dy, { inputs: [x], attrs }) => [scatterAddOp.run([dy], { ...attrs, shape: x!.shape })],
});

/** Zeros of x's shape with dy added at the gathered positions. */
const scatterAddOp: Op<GatherAttrs & { shape: readonly number[] }> = defineOp<
  GatherAttrs & { shape: readonly number[] }
>({
  name: 'scatterAdd',
  arity: 1,
  forward: ([dy], attrs) => {
    const shape = attrs.shape.slice();
    const out = allocate(dtypeOf(dy!.data), sizeOf(shape));
    const target = ndarray(out, shape, contiguousStrides(shape));
    const g = contiguousArray(dy!);
    walk(target, attrs, (k, p) => {
      out[p]! += g.data[g.offset + k]!;
    });
    return target;
  },
  backward: (ddy, { attrs }) => [gatherOp.run([ddy], attrs)],
});

/**
 * Pick values along `dim` at `index` (same rank as x; in the other dims no larger than x).
 * @example gather(logProbs, 1, labels.reshape([-1, 1])) // each row's label column
 */
export function gather(x: Tensor, dim: number, index: Labels): Tensor {
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
