// Activations by name, for the `activation` option of Neuron and MLP.
import { type DType, ValueError } from '@tapegrad/core';
import { Identity } from './identity.js';
import type { Init } from './init.js';
import { LeakyReLU } from './leaky-relu.js';
import type { Module } from './module.js';
import { PReLU } from './prelu.js';
import { ReLU } from './relu.js';
import { Sigmoid } from './sigmoid.js';
import { Tanh } from './tanh.js';

/** The activations known by name. `'identity'` is no activation (a linear unit). */
export type ActivationName = 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'prelu' | 'identity';

/** An activation by name, or a function making a fresh activation module per layer. */
export type ActivationSpec = ActivationName | (() => Module);

/**
 * A new activation module for `spec`; with `dtype`, its parameters (PReLU's slopes) have the
 * model's dtype, as the layers around it do.
 *
 * @example
 * makeActivation('tanh');                      // new Tanh()
 * makeActivation(() => new LeakyReLU(0.1));    // the factory's module
 * makeActivation('prelu', { dtype: 'float64' }); // a float64 slope
 */
export function makeActivation(spec: ActivationSpec, options: { dtype?: DType } = {}): Module {
  const m = create(spec);
  return options.dtype === undefined ? m : m.to(options.dtype);
}

function create(spec: ActivationSpec): Module {
  if (typeof spec === 'function') return spec();
  switch (spec) {
    case 'sigmoid':
      return new Sigmoid();
    case 'tanh':
      return new Tanh();
    case 'relu':
      return new ReLU();
    case 'leakyRelu':
      return new LeakyReLU();
    case 'prelu':
      return new PReLU();
    case 'identity':
      return new Identity();
    default:
      throw new ValueError(
        'activation',
        `unknown activation ${JSON.stringify(spec)}; expected 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'prelu', 'identity' or a function returning a Module`,
      );
  }
}

/** The weight initializer that suits an activation: Xavier for sigmoid, tanh and linear units, He for rectifiers. */
export function initFor(spec: ActivationSpec): Init {
  return spec === 'sigmoid' || spec === 'tanh' || spec === 'identity' ? 'xavier' : 'kaiming';
}
