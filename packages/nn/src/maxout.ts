// Maxout (Goodfellow et al. 2013): the max of k affine maps, max(w₁ᵀx + b₁, …, w_kᵀx + b_k),
// which generalizes ReLU and leaky ReLU without their dying units, at k times the parameters.
import {
  type DType,
  noGrad,
  type Rng,
  ShapeError,
  Tensor,
  ValueError,
  zeros,
} from '@tapegrad/core';
import { checkInit, type Init, initWeightAs } from './init.js';
import { checkBoolean, checkRng, checkTensor, optionsOf, show } from './internal/args.js';
import { checkDtype, checkFeatures, positiveInt } from './internal/check.js';
import { fmtShape } from './internal/values.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/**
 * The maxout of `x` (`[..., in]`) with `weight` `[pieces, out, in]` and `bias`
 * `[pieces, out]`: `max over k of x W_kᵀ + b_k`, shape `[..., out]`. Ties split the gradient
 * evenly between the winning pieces.
 *
 * @example
 * maxout(x, weight, bias); // x [8, 3], weight [2, 4, 3], bias [2, 4] → [8, 4]
 */
export function maxout(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkTensor('maxout', 'x', x);
  checkTensor('maxout', 'weight', weight);
  if (bias !== null && !(bias instanceof Tensor)) {
    throw new ValueError('maxout', `bias must be a Tensor or null, got ${show(bias)}`);
  }
  const [k, out, inF] = weight.shape;
  if (weight.ndim !== 3 || (bias !== null && fmtShape(bias.shape) !== fmtShape([k!, out!]))) {
    throw new ShapeError(
      'maxout',
      `expected weight [pieces, out, in] and bias [pieces, out], got ${fmtShape(weight.shape)} and ${bias === null ? 'none' : fmtShape(bias.shape)}`,
      bias === null ? [weight.shape] : [weight.shape, bias.shape],
    );
  }
  checkFeatures('maxout', x, inF!, 'in');
  // all pieces in one product: [..., in] @ [in, k·out], then the max over the k pieces
  let z = x.matmul(weight.reshape([k! * out!, inF!]).T);
  if (bias !== null) z = z.add(bias.reshape([k! * out!]));
  return z.reshape([...x.shape.slice(0, -1), k!, out!]).max(-2);
}

/** Options of `Maxout`. @example new Maxout(3, 4, { pieces: 3 }) */
export interface MaxoutOptions {
  /** The number of affine maps k (default 2). */
  readonly pieces?: number;
  readonly bias?: boolean;
  readonly dtype?: DType;
  readonly rng?: Rng;
  /** The weight initializer, per piece (default `'lecun'`: each piece is a linear map). */
  readonly init?: Init;
}

/**
 * A maxout layer from `inFeatures` to `outFeatures` units, each the max of `pieces` affine
 * maps: `weight` `[pieces, out, in]`, `bias` `[pieces, out]`, so
 * `pieces · (in · out + out)` parameters.
 *
 * @example
 * const m = new Maxout(3, 4, { pieces: 2 });
 * m.numParameters();               // 32
 * m.forward(randn([8, 3])).shape;  // [8, 4]
 */
export class Maxout extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly pieces: number;
  weight: Parameter;
  bias: Parameter | null;
  #init: Init;

  constructor(inFeatures: number, outFeatures: number, options: MaxoutOptions = {}) {
    super();
    const op = 'Maxout';
    this.inFeatures = positiveInt(op, 'inFeatures', inFeatures);
    this.outFeatures = positiveInt(op, 'outFeatures', outFeatures);
    const o = optionsOf(op, options, '{ pieces: 3 }');
    this.pieces = positiveInt(op, 'pieces', o.pieces ?? 2);
    const dtype = checkDtype(op, o.dtype ?? 'float32');
    const bias = checkBoolean(op, 'bias', o.bias ?? true);
    const rng = checkRng(op, o.rng);
    this.#init = checkInit(op, o.init ?? 'lecun');
    this.weight = new Parameter(zeros([this.pieces, outFeatures, inFeatures], { dtype }));
    this.bias = bias ? new Parameter(zeros([this.pieces, outFeatures], { dtype })) : null;
    this.resetParameters(rng);
  }

  /** Draw new initial weights (zero biases), from `rng` or the default generator. */
  resetParameters(rng?: Rng): void {
    noGrad(() => {
      initWeightAs('Maxout.resetParameters', this.weight, this.#init, rng);
      this.bias?.zero_();
    });
  }

  forward(x: Tensor): Tensor {
    checkFeatures('Maxout', x, this.inFeatures);
    return maxout(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `${this.inFeatures} → ${this.outFeatures}, pieces=${this.pieces}`;
  }
}
