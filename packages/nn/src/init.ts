// Weight initializers from the notes: small random numbers, variance calibrated by 1/√n
// (LeCun), Xavier/Glorot and He/Kaiming. Each fills a tensor in place from the Rng given or,
// as torch.nn.init does, from the default generator (the one `manualSeed` seeds): that is
// how the layers draw their weights when no rng is given, and DESIGN's `randn(shape, { rng? })`.
import { getDefaultRng, noGrad, type Rng, type Tensor, ValueError } from '@tapegrad/core';
import { checkRng, checkTensor, optionsOf, show } from './internal/args.js';

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
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ValueError(
      'fans',
      `shape must be a list of non-negative integers, got ${show(shape)}`,
    );
  }
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
  if (typeof negativeSlope !== 'number' || !Number.isFinite(negativeSlope)) {
    throw new ValueError(
      'calculateGain',
      `negativeSlope must be a finite number, got ${show(negativeSlope)}`,
    );
  }
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
      throw new ValueError(
        'calculateGain',
        `nonlinearity must be 'linear', 'sigmoid', 'tanh', 'relu' or 'leakyRelu', got ${show(nonlinearity)}`,
      );
  }
}

/**
 * Fill `t` in place with `draw` from `rng` (under noGrad, as PyTorch's initializers run),
 * after checking the arguments of `op`. Only a leaf that owns a contiguous buffer (a
 * Parameter or a new tensor): an op's output is not state to initialize, and a view would
 * scatter the draws into another tensor's values.
 */
function fill(
  op: string,
  t: Tensor,
  rng: Rng | undefined,
  draw: (t: Tensor, options: { rng?: Rng }) => Tensor,
): Tensor {
  const r = checkRng(op, rng);
  if (!t.isLeaf || t.contiguous() !== t) {
    throw new ValueError(
      op,
      'can only fill a leaf tensor that owns a contiguous buffer (a Parameter or a new tensor)',
    );
  }
  // no rng: core's in-place draws take the default generator, as torch.nn.init does
  return noGrad(() => draw(t, r === undefined ? {} : { rng: r }));
}

/** The tensor argument of an initializer, checked before its shape is read. */
function target(op: string, t: unknown): Tensor {
  return checkTensor(op, 't (the tensor to fill)', t);
}

function positive(op: string, name: string, v: number): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
    throw new ValueError(op, `${name} must be a positive finite number, got ${show(v)}`);
  return v;
}

/**
 * The notes' "small random numbers": N(0, std²) with std 0.01 by default
 * (`W = 0.01 * np.random.randn(D, H)`). Fine for small networks, too small for deep ones.
 *
 * @example
 * smallRandom(linear.weight, new Rng(0));
 */
export function smallRandom(t: Tensor, rng?: Rng, options: { std?: number } = {}): Tensor {
  const op = 'smallRandom';
  target(op, t);
  const std = positive(op, 'std', optionsOf(op, options, '{ std: 0.01 }').std ?? 0.01);
  return fill(op, t, rng, (w, o) => w.normal_(0, std, o));
}

/**
 * Variance calibrated by fan-in: N(0, 1/fanIn), the notes' `w = np.random.randn(n) / sqrt(n)`
 * (LeCun normal). Keeps the output variance of a linear unit equal to its input's.
 *
 * @example
 * lecunNormal(linear.weight, new Rng(0));
 */
export function lecunNormal(t: Tensor, rng?: Rng): Tensor {
  const std = 1 / Math.sqrt(fans(target('lecunNormal', t).shape).fanIn);
  return fill('lecunNormal', t, rng, (w, o) => w.normal_(0, std, o));
}

/**
 * Xavier/Glorot uniform: U(-a, a) with a = gain · √(6 / (fanIn + fanOut)), so that
 * Var(w) = gain² · 2 / (fanIn + fanOut). For tanh and sigmoid layers.
 *
 * @example
 * xavierUniform(linear.weight, new Rng(0), { gain: calculateGain('tanh') });
 */
export function xavierUniform(t: Tensor, rng?: Rng, options: { gain?: number } = {}): Tensor {
  const op = 'xavierUniform';
  const { fanIn, fanOut } = fans(target(op, t).shape);
  const gain = positive(op, 'gain', optionsOf(op, options, '{ gain: 1 }').gain ?? 1);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return fill(op, t, rng, (w, o) => w.uniform_(-a, a, o));
}

/**
 * Xavier/Glorot normal: N(0, gain² · 2 / (fanIn + fanOut)).
 *
 * @example
 * xavierNormal(linear.weight, new Rng(0));
 */
export function xavierNormal(t: Tensor, rng?: Rng, options: { gain?: number } = {}): Tensor {
  const op = 'xavierNormal';
  const { fanIn, fanOut } = fans(target(op, t).shape);
  const gain = positive(op, 'gain', optionsOf(op, options, '{ gain: 1 }').gain ?? 1);
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  return fill(op, t, rng, (w, o) => w.normal_(0, std, o));
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
  const o = optionsOf(op, options, "{ nonlinearity: 'relu' }");
  const f = fans(target(op, t).shape);
  if (o.mode !== undefined && o.mode !== 'fanIn' && o.mode !== 'fanOut') {
    throw new ValueError(op, `mode must be 'fanIn' or 'fanOut', got ${show(o.mode)}`);
  }
  const fan = o.mode === 'fanOut' ? f.fanOut : f.fanIn;
  return (
    calculateGain(o.nonlinearity ?? 'relu', o.negativeSlope) / Math.sqrt(positive(op, 'fan', fan))
  );
}

/**
 * He/Kaiming normal: N(0, gain² / fan); for ReLU, the notes' current recommendation
 * `w = np.random.randn(n) * sqrt(2.0 / n)`.
 *
 * @example
 * kaimingNormal(linear.weight, new Rng(0)); // std √(2 / inFeatures)
 */
export function kaimingNormal(t: Tensor, rng?: Rng, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd('kaimingNormal', t, options);
  return fill('kaimingNormal', t, rng, (w, o) => w.normal_(0, std, o));
}

/**
 * He/Kaiming uniform: U(-b, b) with b = gain · √(3 / fan) (the same variance as `kaimingNormal`).
 *
 * @example
 * kaimingUniform(linear.weight, new Rng(0));
 */
export function kaimingUniform(t: Tensor, rng?: Rng, options: KaimingOptions = {}): Tensor {
  const b = kaimingStd('kaimingUniform', t, options) * Math.sqrt(3);
  return fill('kaimingUniform', t, rng, (w, o) => w.uniform_(-b, b, o));
}

/**
 * How a layer initializes its weight: a named scheme or a function filling it in place (run
 * under noGrad, so it may call a Parameter's in-place methods, e.g. `(w) => w.fill_(0.5)`;
 * its `rng` is the layer's, or the default generator).
 * `'small'` is `smallRandom`, `'lecun'` `lecunNormal`, `'xavier'` `xavierNormal`,
 * `'kaiming'` `kaimingNormal` (ReLU gain).
 */
export type Init = 'small' | 'lecun' | 'xavier' | 'kaiming' | ((weight: Tensor, rng: Rng) => void);

/** `init` if it names an initializer or is a function; a ValueError from `op` otherwise. */
export function checkInit(op: string, init: unknown): Init {
  if (
    typeof init === 'function' ||
    init === 'small' ||
    init === 'lecun' ||
    init === 'xavier' ||
    init === 'kaiming'
  ) {
    return init as Init;
  }
  throw new ValueError(
    op,
    `init must be 'small', 'lecun', 'xavier', 'kaiming' or a function (weight, rng) => void, got ${show(init)}`,
  );
}

/**
 * `initWeight` with the errors of `op` (a layer's constructor or `resetParameters`): the
 * initializers then check nothing that `op` has not.
 */
export function initWeightAs(op: string, weight: Tensor, init: Init, rng: Rng | undefined): void {
  const scheme = checkInit(op, init);
  checkTensor(op, 'weight', weight);
  const r = checkRng(op, rng);
  if (typeof scheme === 'function') {
    noGrad(() => scheme(weight, r ?? getDefaultRng()));
    return;
  }
  const fillWith = {
    small: smallRandom,
    lecun: lecunNormal,
    xavier: xavierNormal,
    kaiming: kaimingNormal,
  }[scheme];
  fillWith(weight, r);
}

/**
 * Fill `weight` by the scheme `init`, from `rng` or the default generator (which
 * `manualSeed` seeds).
 *
 * @example
 * initWeight(linear.weight, 'xavier', new Rng(0));
 */
export function initWeight(weight: Tensor, init: Init, rng?: Rng): void {
  initWeightAs('initWeight', weight, init, rng);
}
