// concat and stack: join tensors along a dim. concat's gradient is a slice of dy per input.
import { checkTensorList } from '../args.js';
import { emptyArray, makeArray } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import { kernels } from '../backend/registry.js';
import { fmtShape, ShapeError } from '../errors.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { promoteAll } from './elementwise.js';
import { unsqueeze } from './reshape.js';
import { slice } from './slice.js';

export interface ConcatAttrs {
  readonly dim: number;
}

export const concatOp = defineOp<Tensor[], ConcatAttrs>({
  name: 'concat',
  check: (xs, { dim }, op) => {
    const first = xs[0]!;
    xs.forEach((x, i) => {
      const fits =
        x.ndim === first.ndim && x.shape.every((d, j) => j === dim || d === first.shape[j]);
      if (!fits) {
        throw new ShapeError(
          op.name,
          `tensor ${i} has shape ${fmtShape(x.shape)} but tensor 0 has ${fmtShape(first.shape)}; all dims but dim ${dim} must match`,
          [first.shape, x.shape],
        );
      }
    });
  },
  forward: (xs, { dim }) => {
    const shape = xs[0]!.shape.slice();
    shape[dim] = xs.reduce((n, x) => n + x.shape[dim]!, 0);
    const out = emptyArray(shape, promoteAll(xs));
    let offset = 0;
    for (const x of xs) {
      // the block of the output that x fills: x's shape, the output's strides
      const block = makeArray(out.data, x.shape, out.stride, offset * out.stride[dim]!);
      kernels().copy(x, block);
      offset += x.shape[dim]!;
    }
    return out;
  },
  saves: [],
  statelessBackward: true,
  backward: (dy, { inputs, attrs: { dim } }) => {
    let offset = 0;
    return inputs.map((x) => {
      const g = slice(dy, dim, offset, offset + x.shape[dim]!);
      offset += x.shape[dim]!;
      return g;
    });
  },
});

/** Join tensors along an existing dim. @example concat([a, b], 0) */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensorList('concat', tensors);
  const d = normalizeDim('concat', dim, tensors[0]!.ndim, tensors[0]!.shape);
  // one tensor too goes through the op: the result is a copy, never the input itself
  return concatOp.run(tensors, { dim: d });
}

/** Join tensors of one shape along a new dim. @example stack([a, b], 0) // [2, ...] */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkTensorList('stack', tensors);
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((d, j) => d !== first.shape[j])) {
      throw new ShapeError(
        'stack',
        `tensor ${i} has shape ${fmtShape(t.shape)} but tensor 0 has ${fmtShape(first.shape)}`,
        [first.shape, t.shape],
      );
    }
  });
  const d = normalizeDim('stack', dim, first.ndim + 1, first.shape);
  return concat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}
