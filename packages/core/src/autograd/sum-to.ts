// Broadcast sum-back: the one place where a gradient is reduced to its input's shape.

import { emptyArray } from '../array.js';
import * as E from '../backend/expr.js';
import { kernels } from '../backend/registry.js';
import { fmtShape, ShapeError } from '../errors.js';
import { reshape } from '../ops/reshape.js';
import { sum } from '../ops/sum.js';
import { sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { isGradEnabled } from './mode.js';
import { getTensorClass } from './tensor-class.js';
import { activeTracer } from './trace.js';
import { bumpVersion } from './version.js';

/** Sum `g` over the dims along which `shape` was broadcast; a ShapeError if it can't fit. */
export function sumTo(g: Tensor, shape: readonly number[], op: string, input: number): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  let ok = lead >= 0;
  for (let i = 0; ok && i < g.ndim; i++) {
    const target = i < lead ? 1 : shape[i - lead]!;
    if (i < lead || (target === 1 && g.shape[i] !== 1)) dims.push(i);
    else if (target !== g.shape[i]) ok = false;
  }
  if (!ok) {
    throw new ShapeError(
      op,
      `backward returned a gradient of shape ${fmtShape(g.shape)} for input ${input} of shape ${fmtShape(shape)}`,
      [g.shape, shape],
    );
  }
  if (dims.length === 0) return reshape(g, shape);
  if (!isGradEnabled() && activeTracer() === null) {
    // nothing recorded: the sum straight into an array of the input's shape (the values of
    // sum(g, dims, true), in the same order, from the same kernel), one tensor instead of two
    const T = getTensorClass();
    const out = emptyArray(shape, g.dtype);
    kernels().reduce('sum', g.data, dims, out.data);
    return new T(out);
  }
  return reshape(sum(g, dims, true), shape);
}

const ADD = E.add(E.input(0), E.input(1));

/**
 * `dst += g` in place on dst's buffer (dst is contiguous and owns its whole buffer; g has its
 * shape: `.grad` is checked where it is assigned, and g was summed back to the leaf's shape).
 */
export function accumulateInto(dst: Tensor, g: Tensor): void {
  kernels().map(ADD, [dst.data, g.data], dst.data);
  bumpVersion(dst);
}
