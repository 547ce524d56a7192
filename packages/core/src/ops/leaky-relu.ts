// leakyRelu: x for x > 0, negativeSlope·x otherwise.
import { defineOp } from '../autograd/define-op.js';
import { ValueError } from '../errors.js';
import { compileMap } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { mapArrays } from './elementwise.js';
import { leakyReluBackward } from './relu-backward.js';

const leakyReluKernel = compileMap({
  inputs: ['a'],
  params: ['slope'],
  expr: 'a > 0 ? a : slope * a',
});

const leakyReluOp = defineOp<{ negativeSlope: number }>({
  name: 'leakyRelu',
  arity: 1,
  forward: ([x], { negativeSlope }) =>
    mapArrays('leakyRelu', leakyReluKernel, [x!], [negativeSlope]),
  // the slope is 1 where x > 0 and negativeSlope elsewhere (at 0 too, as in PyTorch)
  backward: (dy, { inputs: [x], attrs: { negativeSlope } }) => [
    leakyReluBackward(dy, x!, negativeSlope),
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
