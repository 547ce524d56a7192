// expand: x broadcast to a larger shape (materialized). The engine's broadcast sum-back
// is its whole backward rule.
import { checkTensor } from '../args.js';
import { arrayDtype, emptyArray } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import { kernels } from '../backend/registry.js';
import { fmtShape, ShapeError } from '../errors.js';
import { broadcastShapes, checkShape, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

export interface ExpandAttrs {
  readonly shape: readonly number[];
}

export const expandOp = defineOp<[x: Tensor], ExpandAttrs>({
  name: 'expand',
  arity: 1,
  check: ([x], { shape }, op) => {
    const b = broadcastShapes(op.name, x.shape, shape);
    if (!sameShape(b, shape)) {
      throw new ShapeError(
        op.name,
        `cannot expand shape ${fmtShape(x.shape)} to ${fmtShape(shape)}`,
        [x.shape, shape],
      );
    }
  },
  forward: ([x], { shape }) => {
    const out = emptyArray(shape, arrayDtype(x));
    kernels().copy(x, out);
    return out;
  },
  saves: [],
  statelessBackward: true,
  backward: (dy) => [dy],
});

/** x broadcast to `shape` (NumPy rules). @example expand(bias, [batch, n]) */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('expand', x);
  const s = checkShape('expand', Array.isArray(shape) ? [...shape] : shape);
  return sameShape(x.shape, s) ? x : expandOp.run([x], { shape: s });
}
