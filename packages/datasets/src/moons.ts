// Two interleaving half circles (scikit-learn's make_moons).
import type { Dataset, SyntheticOptions } from './dataset.js';
import {
  checkDtype,
  checkInt,
  checkNonNegative,
  checkOptions,
  given,
  optionNames,
  resolveRng,
} from './internal/check.js';
import { classification, linspaceAt } from './internal/synthetic.js';

export interface MoonsOptions extends SyntheticOptions {
  /** Points per moon (default 100). */
  readonly pointsPerClass?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0.1). */
  readonly noise?: number;
}

const OPTIONS = optionNames<MoonsOptions>({
  pointsPerClass: true,
  noise: true,
  dtype: true,
  seed: true,
  rng: true,
});

/**
 * Two moons, as scikit-learn's `make_moons`: class 0 is the upper half circle
 * `(cos t, sin t)`, class 1 the lower one `(1 − cos t, 0.5 − sin t)`, for
 * `t = linspace(0, π, N)`, plus Gaussian noise · `noise` on each coordinate.
 *
 * Returns `x`: `[2N, 2]`, `y`: `Int32Array` of 0 and 1, class 0's points first.
 *
 * @example
 * const { x, y } = moons({ pointsPerClass: 50, noise: 0.05, seed: 1 }); // x: [100, 2]
 */
export function moons(options: MoonsOptions = {}): Dataset<Int32Array> {
  const op = 'moons';
  const o = checkOptions(op, options, OPTIONS, '{ pointsPerClass: 100, seed: 0 }');
  const n = checkInt(op, 'pointsPerClass', given(o.pointsPerClass, 100));
  const noise = checkNonNegative(op, 'noise', given(o.noise, 0.1));
  const dtype = checkDtype(op, given(o.dtype, 'float32'));
  const rng = resolveRng(op, o);
  return classification(dtype, 2, n, 2, (j, i, out) => {
    const t = linspaceAt(0, Math.PI, n, i);
    out[0] = (j === 0 ? Math.cos(t) : 1 - Math.cos(t)) + rng.normal() * noise;
    out[1] = (j === 0 ? Math.sin(t) : 0.5 - Math.sin(t)) + rng.normal() * noise;
  });
}
