// MLP: the notes' fully-connected network — Linear layers with an activation between them
// and none on the output (which holds class scores or a real-valued target).
import { type DType, getDefaultRng, type Rng, ValueError } from '@tapegrad/core';
import type { Init } from './init.js';
import { Linear } from './linear.js';
import { type ActivationSpec, initFor, makeActivation } from './make-activation.js';
import type { Module } from './module.js';
import { Sequential } from './sequential.js';

/** Options of `MLP`. @example new MLP([2, 16, 1], { activation: 'tanh', rng: new Rng(0) }) */
export interface MLPOptions {
  /** The activation of the hidden layers (default `'relu'`, the notes' advice). */
  readonly activation?: ActivationSpec;
  /** Learn biases (default true). */
  readonly bias?: boolean;
  readonly dtype?: DType;
  /** The generator for the initial weights (default: the one `manualSeed` seeds). */
  readonly rng?: Rng;
  /** The weight initializer (default: Xavier for sigmoid/tanh/identity, He for rectifiers). */
  readonly init?: Init;
}

function buildLayers(sizes: readonly number[], options: MLPOptions): Module[] {
  if (sizes.length < 2) {
    throw new ValueError(
      'MLP',
      `sizes needs at least an input and an output size, got ${JSON.stringify(sizes)}`,
    );
  }
  const spec = options.activation ?? 'relu';
  const rng = options.rng ?? getDefaultRng();
  const linear = {
    rng,
    init: options.init ?? initFor(spec),
    ...(options.bias === undefined ? {} : { bias: options.bias }),
    ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
  };
  const dtype = options.dtype === undefined ? {} : { dtype: options.dtype };
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i]!, sizes[i + 1]!, linear));
    if (i + 2 < sizes.length) layers.push(makeActivation(spec, dtype));
  }
  return layers;
}

/**
 * A multi-layer perceptron: `sizes = [in, hidden…, out]` gives Linear layers with an
 * activation after each but the last. Layers are `layers.0` (Linear), `layers.1`
 * (activation), `layers.2` (Linear), ….
 *
 * @example
 * new MLP([3, 4, 2]).numParameters();                              // 26: the notes' 2-layer net
 * new MLP([3, 4, 4, 1], { activation: 'sigmoid' }).numParameters(); // 41: the 3-layer net
 */
export class MLP extends Sequential {
  readonly sizes: readonly number[];

  constructor(sizes: readonly number[], options: MLPOptions = {}) {
    super(...buildLayers(sizes, options));
    this.sizes = sizes.slice();
  }

  override extraRepr(): string {
    return this.sizes.join(' → ');
  }
}
