// Sigmoid: σ(x) = 1 / (1 + e⁻ˣ) as a layer, the notes' historical activation.
import { sigmoid, type Tensor } from '@tapegrad/core';
import { Activation } from './activation.js';

/**
 * The sigmoid activation layer. Records saturated units (outputs below 0.01 or above 0.99).
 *
 * @example
 * new Sigmoid().forward(tensor([0])); // [0.5]
 */
export class Sigmoid extends Activation {
  readonly kind = 'sigmoid';
  activate(x: Tensor): Tensor {
    return sigmoid(x);
  }
}
