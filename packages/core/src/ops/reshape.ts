// reshape: the same values in a new shape (a view when x is contiguous), with one -1
// inferred; squeeze and unsqueeze are reshapes.
import { checkTensor } from '../args.js';
import { contiguousArray, makeArray } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import { fmtShape, ShapeError } from '../errors.js';
import { checkRank, normalizeDim, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

export interface ReshapeAttrs {
  readonly shape: readonly number[];
}

function badReshape(x: Tensor, shape: readonly number[]): ShapeError {
  return new ShapeError(
    'reshape',
    `cannot reshape a tensor of shape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)}`,
    [x.shape, shape],
  );
}

function resolveShape(x: Tensor, shape: readonly number[]): number[] {
  if (!Array.isArray(shape)) {
    throw new ShapeError(
      'reshape',
      `shape must be a list of integers (one may be -1), got ${JSON.stringify(shape)}`,
    );
  }
  checkRank('reshape', shape.length, 'the new shape');
  // one pass: the -1s, whether every other dim is a whole number ≥ 0, and their product
  let free = 0;
  let valid = true;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (d === -1) free++;
    else if (Number.isInteger(d) && d >= 0) known *= d;
    else valid = false;
  }
  if (free > 1)
    throw new ShapeError('reshape', `only one dim can be -1, got ${fmtShape(shape)}`, [shape]);
  if (!valid) throw badReshape(x, shape);
  if (free === 1) {
    if (known === 0 || x.size % known !== 0) throw badReshape(x, shape);
    return shape.map((d) => (d === -1 ? x.size / known : d));
  }
  if (known !== x.size) throw badReshape(x, shape);
  return shape.slice();
}

export const reshapeOp = defineOp<[x: Tensor], ReshapeAttrs>({
  name: 'reshape',
  view: true,
  arity: 1,
  forward: ([x], { shape }) => {
    const c = contiguousArray(x);
    return makeArray(c.data, shape, undefined, c.offset);
  },
  saves: [],
  statelessBackward: true,
  backward: (dy, { inputs: [x] }) => [reshape(dy, x.shape)],
});

/** The values of x in `shape` (one dim may be -1). @example reshape(x, [-1, 784]) */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', x);
  const s = resolveShape(x, shape);
  return sameShape(s, x.shape) ? x : reshapeOp.run([x], { shape: s });
}

/** Remove a dim of size 1 (every such dim when `dim` is absent). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  checkTensor('squeeze', x);
  if (dim === undefined)
    return reshape(
      x,
      x.shape.filter((d) => d !== 1),
    );
  const d = normalizeDim('squeeze', dim, x.ndim, x.shape);
  return x.shape[d] === 1
    ? reshape(
        x,
        x.shape.filter((_, i) => i !== d),
      )
    : x;
}

/** Insert a dim of size 1 at `dim` (in [-ndim-1, ndim]). @example unsqueeze(v, 0) // [1, n] */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor('unsqueeze', x);
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1, x.shape);
  const shape = x.shape.slice();
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}
