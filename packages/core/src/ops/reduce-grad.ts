// Putting a reduction's output or gradient back in its input's shape, for backward rules.
import { reducedShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { expand } from './expand.js';
import type { ReduceAttrs } from './reduce.js';
import { reshape } from './reshape.js';

/** A reduction's output (or its gradient) reshaped with the reduced dims kept as 1. */
export function keepDims(t: Tensor, inputShape: readonly number[], { dims }: ReduceAttrs): Tensor {
  return reshape(t, reducedShape(inputShape, dims, true));
}

/** A reduction's gradient spread back over the input's shape. */
export function spread(dy: Tensor, inputShape: readonly number[], attrs: ReduceAttrs): Tensor {
  // a 0-d gradient (of a sum over every dim) broadcasts to any shape as it is
  return expand(dy.ndim === 0 ? dy : keepDims(dy, inputShape, attrs), inputShape);
}
