// Tanh: the zero-centered squashing activation, tanh(x) = 2σ(2x) - 1.
import { type Tensor, tanh } from '@tapegrad/core';
import { Activation } from './activation.js';

/**
 * The tanh activation layer. Records saturated units (|output| above 0.99).
 *
 * @example
 * new Tanh().forward(tensor([0, 100])); // [0, 1]
 */
export class Tanh extends Activation {
  readonly kind = 'tanh';
  activate(x: Tensor): Tensor {
    return tanh(x);
  }
}
