// XOR: the four quadrants of the square, labelled by whether the two signs differ.
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
import { classification } from './internal/synthetic.js';

export interface XorOptions extends SyntheticOptions {
  /** Points per class (default 100), split evenly between the class's two quadrants. */
  readonly pointsPerClass?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate (default 0). */
  readonly noise?: number;
}

const OPTIONS = optionNames<XorOptions>({
  pointsPerClass: true,
  noise: true,
  dtype: true,
  seed: true,
  rng: true,
});

/**
 * The XOR problem a single neuron cannot solve: points uniform in the square [−1, 1]²,
 * class 0 in the quadrants where both coordinates have the same sign, class 1 where they
 * differ (points alternate between a class's two quadrants). With `noise` > 0 Gaussian noise
 * moves points after labelling, so some cross the axes.
 *
 * Returns `x`: `[2N, 2]`, `y`: `Int32Array` of 0 and 1, class 0 first.
 *
 * @example
 * const { x, y } = xor({ pointsPerClass: 50, seed: 3 }); // y[k] === (x0 > 0) !== (x1 > 0) ? 1 : 0
 */
export function xor(options: XorOptions = {}): Dataset<Int32Array> {
  const op = 'xor';
  const o = checkOptions(op, options, OPTIONS, '{ pointsPerClass: 100, seed: 0 }');
  const n = checkInt(op, 'pointsPerClass', given(o.pointsPerClass, 100));
  const noise = checkNonNegative(op, 'noise', given(o.noise, 0));
  const dtype = checkDtype(op, given(o.dtype, 'float32'));
  const rng = resolveRng(op, o);
  return classification(dtype, 2, n, 2, (j, i, out) => {
    const s0 = i % 2 === 0 ? 1 : -1;
    const s1 = j === 0 ? s0 : -s0;
    // 1 − random() lies in (0, 1], so no point sits on an axis.
    out[0] = s0 * (1 - rng.random());
    out[1] = s1 * (1 - rng.random());
    if (noise > 0) {
      out[0] += rng.normal() * noise;
      out[1] += rng.normal() * noise;
    }
  });
}
