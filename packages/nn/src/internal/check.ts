// Argument checks shared by the layers: sizes and input shapes, with errors naming the layer.
import { ShapeError, Tensor, ValueError } from '@tapegrad/core';
import { show } from './args.js';
import { fmtShape } from './values.js';

/** `v` if it is a positive integer, else a ValueError naming the layer and the argument. */
export function positiveInt(op: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1)
    throw new ValueError(op, `${name} must be a positive integer, got ${show(v)}`);
  return v;
}

/** x must have at least one dim and `features` values in its last. */
export function checkFeatures(op: string, x: Tensor, features: number, name = 'inFeatures'): void {
  if (!(x instanceof Tensor)) {
    throw new ValueError(
      op,
      `the input must be a Tensor whose last dim is ${features} (${name}), got ${show(x)}`,
    );
  }
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== features) {
    throw new ShapeError(
      op,
      `expected an input whose last dim is ${features} (${name}), got shape ${fmtShape(x.shape)}`,
      [x.shape],
    );
  }
}

export { checkDtype } from '@tapegrad/core/op-kit';
