// Two concentric circles (scikit-learn's make_circles).
import { ValueError } from '@tapegrad/core';
import type { Dataset, SyntheticOptions } from './dataset.js';
import {
  checkDtype,
  checkInt,
  checkNonNegative,
  checkOptions,
  describe,
  given,
  optionNames,
  resolveRng,
} from './internal/check.js';
import { classification } from './internal/synthetic.js';

export interface CirclesOptions extends SyntheticOptions {
  /** Points per circle (default 100). */
  readonly pointsPerClass?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.05). */
  readonly noise?: number;
  /** Radius of the inner circle, in (0, 1); the outer one has radius 1 (default 0.5). */
  readonly factor?: number;
}

const OPTIONS = optionNames<CirclesOptions>({
  pointsPerClass: true,
  noise: true,
  factor: true,
  dtype: true,
  seed: true,
  rng: true,
});

/**
 * Concentric circles, as scikit-learn's `make_circles`: class 0 on the unit circle, class 1
 * on the circle of radius `factor`, at N evenly spaced angles `2π i / N`, plus Gaussian
 * noise · `noise` on each coordinate. Separable by a network, not by a line.
 *
 * Returns `x`: `[2N, 2]`, `y`: `Int32Array` of 0 (outer) and 1 (inner), class 0 first.
 *
 * @example
 * const { x, y } = circles({ factor: 0.3, seed: 2 }); // x: [200, 2]
 */
export function circles(options: CirclesOptions = {}): Dataset<Int32Array> {
  const op = 'circles';
  const o = checkOptions(op, options, OPTIONS, '{ factor: 0.5, seed: 0 }');
  const n = checkInt(op, 'pointsPerClass', given(o.pointsPerClass, 100));
  const noise = checkNonNegative(op, 'noise', given(o.noise, 0.05));
  const factor: unknown = given(o.factor, 0.5);
  if (typeof factor !== 'number' || !(factor > 0 && factor < 1)) {
    throw new ValueError(op, `factor must be in (0, 1), got ${describe(factor)}`);
  }
  const dtype = checkDtype(op, given(o.dtype, 'float32'));
  const rng = resolveRng(op, o);
  return classification(dtype, 2, n, 2, (j, i, out) => {
    const t = (2 * Math.PI * i) / n;
    const r = j === 0 ? 1 : factor;
    out[0] = r * Math.cos(t) + rng.normal() * noise;
    out[1] = r * Math.sin(t) + rng.normal() * noise;
  });
}
