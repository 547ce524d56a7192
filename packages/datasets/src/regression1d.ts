// A 1-D regression set: samples of a function of one variable, for fitting curves.
import { type Tensor, ValueError } from '@tapegrad/core';
import { allocate, fromBuffer } from '@tapegrad/core/op-kit';
import type { Dataset, SyntheticOptions } from './dataset.js';
import {
  checkChoice,
  checkDtype,
  checkFinite,
  checkInt,
  checkNonNegative,
  checkOptions,
  describe,
  given,
  optionNames,
  resolveRng,
} from './internal/check.js';
import { linspaceAt } from './internal/synthetic.js';

/** The target function: `'sin'`, `'step'` (0 for x < 0, 1 from 0 on) or any function. */
export type Regression1dFn = 'sin' | 'step' | ((x: number) => number);

export interface Regression1dOptions extends SyntheticOptions {
  /** The function to sample (default `'sin'`). */
  readonly fn?: Regression1dFn;
  /** Number of samples (default 100). */
  readonly points?: number;
  /** The interval [low, high] the inputs cover (default [−π, π]). */
  readonly low?: number;
  readonly high?: number;
  /** `'grid'` (default): evenly spaced inputs, low and high included; `'uniform'`: uniform random inputs, sorted. */
  readonly sampling?: 'grid' | 'uniform';
  /** Standard deviation of the Gaussian noise added to each target (default 0). */
  readonly noise?: number;
}

const OPTIONS = optionNames<Regression1dOptions>({
  fn: true,
  points: true,
  low: true,
  high: true,
  sampling: true,
  noise: true,
  dtype: true,
  seed: true,
  rng: true,
});

/**
 * Samples `(x, f(x) + noise · randn())` of a function of one variable: the continuous `sin`
 * and the discontinuous step of the notes' universal-approximation discussion (a network
 * with one hidden layer can approximate either to any accuracy), or any `fn` you give.
 *
 * Returns `x`: `[points, 1]` and `y`: a tensor `[points, 1]` of the same dtype, in
 * increasing order of x. Randomness (uniform inputs, noise) comes from `seed` or `rng`.
 *
 * @example
 * const { x, y } = regression1d({ fn: 'step', points: 50 }); // x, y: [50, 1]
 * regression1d({ fn: (t) => t * t, low: -1, high: 1, noise: 0.05, seed: 1 });
 */
export function regression1d(options: Regression1dOptions = {}): Dataset<Tensor> {
  const op = 'regression1d';
  const o = checkOptions(op, options, OPTIONS, "{ fn: 'sin', points: 100 }");
  const n = checkInt(op, 'points', given(o.points, 100));
  const low = checkFinite(op, 'low', given(o.low, -Math.PI));
  const high = checkFinite(op, 'high', given(o.high, Math.PI));
  if (!(low < high)) {
    throw new ValueError(op, `need finite low < high, got low ${low}, high ${high}`);
  }
  const noise = checkNonNegative(op, 'noise', given(o.noise, 0));
  const dtype = checkDtype(op, given(o.dtype, 'float32'));
  const f = targetFunction(op, given(o.fn, 'sin'));
  const sampling = checkChoice(op, 'sampling', given(o.sampling, 'grid'), ['grid', 'uniform']);
  const rng = resolveRng(op, o);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = sampling === 'grid' ? linspaceAt(low, high, n, i) : rng.uniform(low, high);
  }
  if (sampling === 'uniform') xs.sort();
  const x = allocate(dtype, n);
  const y = allocate(dtype, n);
  for (let i = 0; i < n; i++) {
    x[i] = xs[i]!;
    y[i] = f(xs[i]!) + (noise > 0 ? noise * rng.normal() : 0);
  }
  return { x: fromBuffer(x, [n, 1]), y: fromBuffer(y, [n, 1]) };
}

function targetFunction(op: string, fn: unknown): (x: number) => number {
  if (typeof fn === 'function') return fn as (x: number) => number;
  if (fn === 'sin') return Math.sin;
  if (fn === 'step') return (x) => (x < 0 ? 0 : 1);
  throw new ValueError(op, `fn must be 'sin', 'step' or a function, got ${describe(fn)}`);
}
