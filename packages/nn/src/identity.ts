// Identity: passes its input through (the "no activation" of an output layer).
import type { Tensor } from '@tapegrad/core';
import { Module } from './module.js';

/**
 * The identity layer: `forward(x)` returns `x`.
 *
 * @example
 * new Neuron(2, { activation: new Identity() }); // a linear unit: w·x + b
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
