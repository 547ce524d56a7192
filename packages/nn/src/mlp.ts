// MLP: the notes' fully-connected network — Linear layers with an activation between them
// and none on the output (which holds class scores or a real-valued target).
import { type DType, getDefaultRng, type Rng, ValueError } from '@tapegrad/core';
import { checkInit, type Init } from './init.js';
import { checkRng, optionsOf, show } from './internal/args.js';
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
  const op = 'MLP';
  if (
    !Array.isArray(sizes) ||
    sizes.length < 2 ||
    !sizes.every((d) => Number.isInteger(d) && d >= 1)
  ) {
    throw new ValueError(
      op,
      `sizes must be a list of at least two positive integers [input, …hidden, output], got ${show(sizes)}`,
    );
  }
  const o = optionsOf(op, options, "{ activation: 'tanh' }");
  const spec = o.activation ?? 'relu';
  // one generator for all layers, so that they draw in turn from the same sequence
  const rng = checkRng(op, o.rng) ?? getDefaultRng();
  const linear = {
    rng,
    init: checkInit(op, o.init ?? initFor(spec)),
    ...(o.bias === undefined ? {} : { bias: o.bias }),
    ...(o.dtype === undefined ? {} : { dtype: o.dtype }),
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
 * activation after each but the last. Layers are `0` (Linear), `1` (activation), `2`
 * (Linear), …, as in PyTorch's `nn.Sequential`.
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
