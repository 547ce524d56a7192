// Neuron: the notes' single neuron — a dot product of the inputs with weights, plus a bias,
// through an activation (the sigmoid by default).
import { type DType, noGrad, type Rng, type Tensor, zeros } from '@tapegrad/core';
import { checkInit, type Init, initWeightAs } from './init.js';
import { checkRng, optionsOf } from './internal/args.js';
import { checkDtype, checkFeatures, positiveInt } from './internal/check.js';
import { type ActivationSpec, initFor, makeActivation } from './make-activation.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of `Neuron`. @example new Neuron(2, { activation: 'tanh', rng: new Rng(0) }) */
export interface NeuronOptions {
  /** The activation (default `'sigmoid'`, the notes' neuron); `'identity'` for a linear unit. */
  readonly activation?: ActivationSpec;
  readonly dtype?: DType;
  /** The generator for the initial weights (default: the one `manualSeed` seeds). */
  readonly rng?: Rng;
  /** The weight initializer (default: Xavier for sigmoid/tanh/identity, He for rectifiers). */
  readonly init?: Init;
}

/**
 * A single neuron: `activation(x · w + b)` with `weight` of shape `[nIn]` and a scalar
 * `bias`. An input of shape `[batch, nIn]` gives `[batch]`; a vector `[nIn]` gives a scalar.
 * With the sigmoid it is a binary logistic classifier: train `preActivation(x)` with
 * `binaryCrossEntropyWithLogits`.
 *
 * @example
 * const n = new Neuron(2);                         // sigmoid
 * n.forward(tensor([[1, 2], [3, 4]])).shape;       // [2], firing rates in (0, 1)
 */
export class Neuron extends Module {
  readonly nIn: number;
  weight: Parameter;
  bias: Parameter;
  activation: Module;
  #init: Init;

  constructor(nIn: number, options: NeuronOptions = {}) {
    super();
    const op = 'Neuron';
    this.nIn = positiveInt(op, 'nIn', nIn);
    const o = optionsOf(op, options, "{ activation: 'tanh' }");
    const dtype = checkDtype(op, o.dtype ?? 'float32');
    const spec = o.activation ?? 'sigmoid';
    const rng = checkRng(op, o.rng);
    this.#init = checkInit(op, o.init ?? initFor(spec));
    this.weight = new Parameter(zeros([nIn], { dtype }));
    this.bias = new Parameter(zeros([], { dtype }));
    this.activation = makeActivation(spec, { dtype });
    this.resetParameters(rng);
  }

  /** Draw new initial weights (zero bias), from `rng` or the default generator. */
  resetParameters(rng?: Rng): void {
    noGrad(() => {
      initWeightAs('Neuron.resetParameters', this.weight, this.#init, rng);
      this.bias.zero_();
    });
  }

  /** The cell body's sum `x · w + b`, before the activation (the logit, for a sigmoid neuron). */
  preActivation(x: Tensor): Tensor {
    checkFeatures('Neuron', x, this.nIn, 'nIn');
    return x.matmul(this.weight).add(this.bias);
  }

  forward(x: Tensor): Tensor {
    const z = this.preActivation(x);
    if (z.ndim === 0) return this.activation.forward(z);
    // One unit: the activation sees the samples as a [samples, 1] batch, so that its health
    // statistics count one unit over the batch rather than one unit per sample.
    return this.activation.forward(z.reshape([z.size, 1])).reshape(z.shape);
  }

  override extraRepr(): string {
    return `${this.nIn}, ${this.activation.toString()}`;
  }
}
