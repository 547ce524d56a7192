// ReLU: max(0, x) as a layer, the notes' recommended activation.
import { relu, type Tensor } from '@tapegrad/core';
import { Activation } from './activation.js';

/**
 * The rectified linear unit layer. Records dead units (never active over the batch).
 *
 * @example
 * new ReLU().forward(tensor([-1, 2])); // [0, 2]
 */
export class ReLU extends Activation {
  readonly kind = 'relu';
  activate(x: Tensor): Tensor {
    return relu(x);
  }
}
