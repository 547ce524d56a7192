// The cs231n spiral: `classes` arms of points winding out from the origin.
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

export interface SpiralOptions extends SyntheticOptions {
  /** Number of arms, one class each (default 3). */
  readonly classes?: number;
  /** Points per arm (default 100). */
  readonly pointsPerClass?: number;
  /** Standard deviation of the Gaussian noise on the angle (default 0.2). */
  readonly noise?: number;
}

const OPTIONS = optionNames<SpiralOptions>({
  classes: true,
  pointsPerClass: true,
  noise: true,
  dtype: true,
  seed: true,
  rng: true,
});

/**
 * The spiral of the cs231n notes, a set no linear classifier separates. For class j and
 * N = pointsPerClass: `r = linspace(0, 1, N)`, `t = linspace(4j, 4(j+1), N) + randn(N) · noise`,
 * `x = [r sin t, r cos t]`; the N normals of class 0 are drawn first, then class 1's, ….
 *
 * Returns `x`: `[classes · N, 2]` (float32 unless `dtype` says otherwise) and `y`: an
 * `Int32Array` of labels 0 … classes − 1, class 0's points first. Same seed, same points.
 *
 * @example
 * const { x, y } = spiral({ seed: 0 }); // x: [300, 2], y: Int32Array(300) of 0, 1, 2
 */
export function spiral(options: SpiralOptions = {}): Dataset<Int32Array> {
  const op = 'spiral';
  const o = checkOptions(op, options, OPTIONS, '{ classes: 3, seed: 0 }');
  const classes = checkInt(op, 'classes', given(o.classes, 3));
  const n = checkInt(op, 'pointsPerClass', given(o.pointsPerClass, 100));
  const noise = checkNonNegative(op, 'noise', given(o.noise, 0.2));
  const dtype = checkDtype(op, given(o.dtype, 'float32'));
  const rng = resolveRng(op, o);
  return classification(dtype, classes, n, 2, (j, i, out) => {
    const r = linspaceAt(0, 1, n, i);
    const t = linspaceAt(j * 4, (j + 1) * 4, n, i) + rng.normal() * noise;
    out[0] = r * Math.sin(t);
    out[1] = r * Math.cos(t);
  });
}
