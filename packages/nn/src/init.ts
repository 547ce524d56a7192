// Weight initializers from the notes: small random numbers, variance calibrated by 1/√n
// (LeCun), Xavier/Glorot and He/Kaiming. Each fills a tensor in place from an explicit Rng.
import { noGrad, type Rng, type Tensor, ValueError } from '@tapegrad/core';

/** The nonlinearities `calculateGain` knows. */
export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu';

/** How many inputs feed each unit (`fanIn`) and how many units each input feeds (`fanOut`). */
export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

/**
 * The fans of a weight: the last dim is the inputs of a unit, the one before it the units
 * (so `[out, in]` for Linear, `[pieces, out, in]` for Maxout); a 1-D weight is a single
 * neuron (`fanOut` 1).
 *
 * @example
 * fans([4, 3]); // { fanIn: 3, fanOut: 4 }
 */
export function fans(shape: readonly number[]): Fans {
  const n = shape.length;
  return { fanIn: n === 0 ? 1 : shape[n - 1]!, fanOut: n < 2 ? 1 : shape[n - 2]! };
}

/**
 * The factor that keeps the variance of activations steady through a nonlinearity (as in
 * PyTorch): 1 for linear and sigmoid, 5/3 for tanh, √2 for ReLU, √(2 / (1 + slope²)) for
 * leaky ReLU.
 *
 * @example
 * calculateGain('relu'); // 1.4142…
 */
export function calculateGain(nonlinearity: Nonlinearity, negativeSlope = 0.01): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu':
      return Math.sqrt(2 / (1 + negativeSlope * negativeSlope));
    default:
      throw new ValueError('calculateGain', `unknown nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/**
 * Fill `t` in place with `draw` (under noGrad, as PyTorch's initializers run). Only a leaf
 * that owns a contiguous buffer (a Parameter or a new tensor): an op's output is not state to
 * initialize, and a view would scatter the draws into another tensor's values.
 */
function fill(op: string, t: Tensor, draw: (t: Tensor) => Tensor): Tensor {
  if (!t.isLeaf || t.contiguous() !== t) {
    throw new ValueError(
      op,
      'can only fill a leaf tensor that owns a contiguous buffer (a Parameter or a new tensor)',
    );
  }
  return noGrad(() => draw(t));
}

function positive(op: string, name: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v))
    throw new ValueError(op, `${name} must be a positive finite number, got ${v}`);
  return v;
}

/**
 * The notes' "small random numbers": N(0, std²) with std 0.01 by default
 * (`W = 0.01 * np.random.randn(D, H)`). Fine for small networks, too small for deep ones.
 *
 * @example
 * smallRandom(linear.weight, new Rng(0));
 */
export function smallRandom(t: Tensor, rng: Rng, options: { std?: number } = {}): Tensor {
  const std = positive('smallRandom', 'std', options.std ?? 0.01);
  return fill('smallRandom', t, (w) => w.normal_(0, std, { rng }));
}

/**
 * Variance calibrated by fan-in: N(0, 1/fanIn), the notes' `w = np.random.randn(n) / sqrt(n)`
 * (LeCun normal). Keeps the output variance of a linear unit equal to its input's.
 *
 * @example
 * lecunNormal(linear.weight, new Rng(0));
 */
export function lecunNormal(t: Tensor, rng: Rng): Tensor {
  const std = 1 / Math.sqrt(fans(t.shape).fanIn);
  return fill('lecunNormal', t, (w) => w.normal_(0, std, { rng }));
}

/**
 * Xavier/Glorot uniform: U(-a, a) with a = gain · √(6 / (fanIn + fanOut)), so that
 * Var(w) = gain² · 2 / (fanIn + fanOut). For tanh and sigmoid layers.
 *
 * @example
 * xavierUniform(linear.weight, new Rng(0), { gain: calculateGain('tanh') });
 */
export function xavierUniform(t: Tensor, rng: Rng, options: { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  const gain = positive('xavierUniform', 'gain', options.gain ?? 1);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return fill('xavierUniform', t, (w) => w.uniform_(-a, a, { rng }));
}

/**
 * Xavier/Glorot normal: N(0, gain² · 2 / (fanIn + fanOut)).
 *
 * @example
 * xavierNormal(linear.weight, new Rng(0));
 */
export function xavierNormal(t: Tensor, rng: Rng, options: { gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = fans(t.shape);
  const gain = positive('xavierNormal', 'gain', options.gain ?? 1);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  return fill('xavierNormal', t, (w) => w.normal_(0, std, { rng }));
}

/** Options of the He/Kaiming initializers. @example kaimingNormal(w, rng, { nonlinearity: 'leakyRelu', negativeSlope: 0.1 }) */
export interface KaimingOptions {
  /** Preserve the variance of the forward pass (`'fanIn'`, default) or of the backward pass. */
  readonly mode?: 'fanIn' | 'fanOut';
  /** The nonlinearity that follows (default `'relu'`). */
  readonly nonlinearity?: Nonlinearity;
  /** The slope of `'leakyRelu'`. */
  readonly negativeSlope?: number;
}

function kaimingStd(op: string, t: Tensor, options: KaimingOptions): number {
  const f = fans(t.shape);
  const fan = options.mode === 'fanOut' ? f.fanOut : f.fanIn;
  return (
    calculateGain(options.nonlinearity ?? 'relu', options.negativeSlope) /
    Math.sqrt(positive(op, 'fan', fan))
  );
}

/**
 * He/Kaiming normal: N(0, gain² / fan); for ReLU, the notes' current recommendation
 * `w = np.random.randn(n) * sqrt(2.0 / n)`.
 *
 * @example
 * kaimingNormal(linear.weight, new Rng(0)); // std √(2 / inFeatures)
 */
export function kaimingNormal(t: Tensor, rng: Rng, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd('kaimingNormal', t, options);
  return fill('kaimingNormal', t, (w) => w.normal_(0, std, { rng }));
}

/**
 * He/Kaiming uniform: U(-b, b) with b = gain · √(3 / fan) (the same variance as `kaimingNormal`).
 *
 * @example
 * kaimingUniform(linear.weight, new Rng(0));
 */
export function kaimingUniform(t: Tensor, rng: Rng, options: KaimingOptions = {}): Tensor {
  const b = kaimingStd('kaimingUniform', t, options) * Math.sqrt(3);
  return fill('kaimingUniform', t, (w) => w.uniform_(-b, b, { rng }));
}

/**
 * How a layer initializes its weight: a named scheme or a function filling it in place (run
 * under noGrad, so it may call a Parameter's in-place methods, e.g. `(w) => w.fill_(0.5)`).
 * `'small'` is `smallRandom`, `'lecun'` `lecunNormal`, `'xavier'` `xavierNormal`,
 * `'kaiming'` `kaimingNormal` (ReLU gain).
 */
export type Init = 'small' | 'lecun' | 'xavier' | 'kaiming' | ((weight: Tensor, rng: Rng) => void);

/**
 * Fill `weight` by the scheme `init`.
 *
 * @example
 * initWeight(linear.weight, 'xavier', new Rng(0));
 */
export function initWeight(weight: Tensor, init: Init, rng: Rng): void {
  if (typeof init === 'function') noGrad(() => init(weight, rng));
  else if (init === 'small') smallRandom(weight, rng);
  else if (init === 'lecun') lecunNormal(weight, rng);
  else if (init === 'xavier') xavierNormal(weight, rng);
  else if (init === 'kaiming') kaimingNormal(weight, rng);
  else
    throw new ValueError(
      'init',
      `unknown initializer ${JSON.stringify(init)}; expected 'small', 'lecun', 'xavier', 'kaiming' or a function`,
    );
}
