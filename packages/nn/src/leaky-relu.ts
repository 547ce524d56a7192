// LeakyReLU: a small slope for x < 0, one of the notes' fixes for dying ReLUs.
import { leakyRelu, type Tensor, ValueError } from '@tapegrad/core';
import { Activation } from './activation.js';
import { show } from './internal/args.js';

/**
 * Leaky ReLU: `x > 0 ? x : negativeSlope · x` (slope 0.01 by default). Records the units
 * never in the positive regime over the batch as `dead` (they still pass a small gradient).
 *
 * @example
 * new LeakyReLU(0.1).forward(tensor([-10, 2])); // [-1, 2]
 */
export class LeakyReLU extends Activation {
  readonly kind = 'leakyRelu';
  readonly negativeSlope: number;

  constructor(negativeSlope = 0.01) {
    super();
    if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope)) {
      throw new ValueError(
        'LeakyReLU',
        `negativeSlope must be a finite number, got ${show(negativeSlope)}`,
      );
    }
    this.negativeSlope = negativeSlope;
  }

  activate(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}
