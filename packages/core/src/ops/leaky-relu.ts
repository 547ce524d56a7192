// leakyRelu: x for x > 0, negativeSlope·x otherwise.
import * as E from '../backend/expr.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { elementwiseOp } from './elementwise.js';
import { leakyReluBackward } from './relu-backward.js';

export interface LeakyReluAttrs {
  readonly negativeSlope: number;
}

export const leakyReluOp = elementwiseOp<1, LeakyReluAttrs>({
  name: 'leakyRelu',
  arity: 1,
  params: ['negativeSlope'],
  expr: ([x], { negativeSlope }) => E.select(E.gt(x, 0), x, E.mul(negativeSlope, x)),
  // the slope is 1 where x > 0 and negativeSlope elsewhere (at 0 too, as in PyTorch)
  saves: [0],
  statelessBackward: true,
  backward: (dy, { inputs: [x], attrs: { negativeSlope } }) => [
    leakyReluBackward(dy, x, negativeSlope),
  ],
});

/** Leaky ReLU: `x > 0 ? x : negativeSlope * x`; the slope defaults to 0.01. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  if (!Number.isFinite(negativeSlope)) {
    throw new ValueError(
      'leakyRelu',
      `negativeSlope must be a finite number, got ${negativeSlope}`,
    );
  }
  return leakyReluOp.run([x], { negativeSlope });
}
