// expand: x broadcast to a larger shape (materialized). The engine's broadcast sum-back
// is its whole backward rule.
import ndarray from 'ndarray';
import { defineOp } from '../autograd/define-op.js';
import { allocate, dtypeOf } from '../dtype.js';
import { fmtShape, ShapeError } from '../errors.js';
import { broadcastShapes, checkShape, sameShape, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { copyKernel } from './cast.js';

const expandOp = defineOp<{ shape: number[] }>({
  name: 'expand',
  arity: 1,
  check: ([x], { shape }) => {
    const b = broadcastShapes('expand', x!.shape, shape);
    if (!sameShape(b, shape)) {
      throw new ShapeError(
        'expand',
        `cannot expand shape ${fmtShape(x!.shape)} to ${fmtShape(shape)}`,
        [x!.shape, shape],
      );
    }
  },
  forward: ([x], { shape }) => {
    const out = allocate(dtypeOf(x!.data), sizeOf(shape));
    copyKernel.into(out, shape, [x!]);
    return ndarray(out, shape.slice());
  },
  backward: (dy) => [dy],
});

/** x broadcast to `shape` (NumPy rules). @example expand(bias, [batch, n]) */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const s = checkShape('expand', [...shape]);
  return sameShape(x.shape, s) ? x : expandOp.run([x], { shape: s });
}
