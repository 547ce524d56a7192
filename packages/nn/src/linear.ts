// Linear: a fully-connected layer, many neurons in one matrix: y = x Wᵀ + b on a batch of rows.
import {
  type DType,
  linear,
  linearRelu,
  noGrad,
  type Rng,
  type Tensor,
  zeros,
} from '@tapegrad/core';
import { checkInit, type Init, initWeightAs } from './init.js';
import { checkBoolean, checkRng, optionsOf } from './internal/args.js';
import { checkDtype, checkFeatures, positiveInt } from './internal/check.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of `Linear`. @example new Linear(3, 4, { bias: false, init: 'xavier', rng: new Rng(0) }) */
export interface LinearOptions {
  /** Learn a bias (default true). */
  readonly bias?: boolean;
  readonly dtype?: DType;
  /** The generator for the initial weights (default: the one `manualSeed` seeds). */
  readonly rng?: Rng;
  /** The weight initializer (default `'kaiming'`, the notes' advice for ReLU networks). */
  readonly init?: Init;
}

/**
 * A fully-connected layer: `weight` of shape `[outFeatures, inFeatures]`, `bias` of shape
 * `[outFeatures]`, and `y = x Wᵀ + b` for `x` of shape `[batch, inFeatures]` (or any
 * leading dims, or a single `[inFeatures]` vector). Biases start at zero.
 *
 * @example
 * const fc = new Linear(3, 4, { rng: new Rng(0) });
 * fc.forward(randn([8, 3])).shape; // [8, 4]
 * fc.numParameters();              // 16
 */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;
  #init: Init;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    const op = 'Linear';
    this.inFeatures = positiveInt(op, 'inFeatures', inFeatures);
    this.outFeatures = positiveInt(op, 'outFeatures', outFeatures);
    const o = optionsOf(op, options, '{ bias: false }');
    const dtype = checkDtype(op, o.dtype ?? 'float32');
    const bias = checkBoolean(op, 'bias', o.bias ?? true);
    const rng = checkRng(op, o.rng);
    this.#init = checkInit(op, o.init ?? 'kaiming');
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.bias = bias ? new Parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters(rng);
  }

  /** Draw new initial weights (zero biases), from `rng` or the default generator. */
  resetParameters(rng?: Rng): void {
    noGrad(() => {
      initWeightAs('Linear.resetParameters', this.weight, this.#init, rng);
      this.bias?.zero_();
    });
  }

  forward(x: Tensor): Tensor {
    checkFeatures('Linear', x, this.inFeatures);
    return linear(x, this.weight, this.bias);
  }

  /**
   * relu(forward(x)) in one op (core's `linearRelu`: the same values and gradients, one tape
   * node and one output array): how Sequential runs this layer and a ReLU after it.
   */
  forwardRelu(x: Tensor): Tensor {
    checkFeatures('Linear', x, this.inFeatures);
    return linearRelu(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `${this.inFeatures} → ${this.outFeatures}${this.bias === null ? ', bias=false' : ''}`;
  }
}
