// What one forward pass through an activation layer looked like: the dead ReLUs and saturated
// sigmoid/tanh units the notes warn about, measured from the layer's input and output.
import { noGrad, type Tensor, ValueError } from '@tapegrad/core';
import { denseValues, E, reduceAttrs, reductionOp } from '@tapegrad/core/op-kit';
import { checkTensor, show } from './internal/args.js';

/** The activation functions whose health is measured. @example const kind: ActivationKind = 'relu'; */
export type ActivationKind = 'relu' | 'leakyRelu' | 'prelu' | 'sigmoid' | 'tanh';

const KINDS: readonly unknown[] = ['relu', 'leakyRelu', 'prelu', 'sigmoid', 'tanh'];

/**
 * A sigmoid output below `SIGMOID_SATURATION` or above `1 - SIGMOID_SATURATION` is
 * saturated: its local gradient σ(1 - σ) is below 0.0099, a hundredth of nothing.
 *
 * @example
 * const saturated = (y: number) => y < SIGMOID_SATURATION || y > 1 - SIGMOID_SATURATION;
 */
export const SIGMOID_SATURATION = 0.01;
/**
 * A tanh output with |y| above `TANH_SATURATION` is saturated (local gradient 1 - y² < 0.02).
 *
 * @example
 * const saturated = (y: number) => Math.abs(y) > TANH_SATURATION;
 */
export const TANH_SATURATION = 0.99;

/**
 * What one forward pass through an activation layer looked like. Dim 0 of the input is the
 * batch; every other position is a unit (a 1-D input is one sample).
 *
 * @example
 * model.forward(x);
 * model.activationStats().get('1'); // { activation: 'relu', dead: 0.25, … }
 */
export interface ActivationStats {
  readonly activation: ActivationKind;
  /** Samples in the batch. */
  readonly samples: number;
  /** Units per sample. */
  readonly units: number;
  /**
   * Rectifiers: the fraction of units whose input was ≤ 0 on every sample of the batch —
   * never active, so a ReLU unit got no gradient at all. null for sigmoid and tanh.
   */
  readonly dead: number | null;
  /**
   * Sigmoid and tanh: the fraction of units saturated (output near a rail, see
   * `SIGMOID_SATURATION`, `TANH_SATURATION`) on every sample. null for rectifiers.
   */
  readonly saturated: number | null;
  /** Sigmoid and tanh: the fraction of all outputs that are saturated. null for rectifiers. */
  readonly saturatedOutputs: number | null;
}

// Sigmoid and tanh: reductions over the samples (dim 0 of `[samples, units]`) with the test
// fused into the pass, no temporary.

/** Per unit, the samples on which a sigmoid output sat near a rail. */
const sigmoidRailsOp = reductionOp({
  name: 'sigmoidSaturated',
  kind: 'sum',
  map: (y) => E.max(E.lt(y, SIGMOID_SATURATION), E.gt(y, 1 - SIGMOID_SATURATION)),
});

/** Per unit, the samples on which a tanh output sat near a rail. */
const tanhRailsOp = reductionOp({
  name: 'tanhSaturated',
  kind: 'sum',
  map: (y) => E.gt(E.abs(y), TANH_SATURATION),
});

/**
 * Rectifiers: the units of `x` (a rectifier's inputs, `samples` rows of `units` values in
 * row-major order) whose input was > 0 on no sample (NaN never is). Read in place over the
 * units not yet seen firing, eight rows at a time: most fire in the first rows, so a layer
 * costs about one row plus a full column per dead unit. Counted in plain JS rather than with
 * ops (an 'any' reduction, a sum, item()), which cost 2.6 µs on a [300,100] ReLU's forward.
 * Eight rows a pass rather than one: in the trained case study (8 dead units of 100, 300
 * samples) counting added 2.5–4 µs to the model's forward instead of 6–7.
 */
function neverActive(x: Tensor, samples: number, units: number): number {
  const { data, offset } = denseValues(x);
  const u = units;
  const quiet = quietFor(u);
  let left = 0;
  for (let j = 0; j < u; j++) if (!(data[offset + j]! > 0)) quiet[left++] = j;
  let i = 1;
  let row = offset + u;
  for (; i + 8 <= samples && left > 0; i += 8, row += 8 * u) {
    let kept = 0;
    for (let q = 0; q < left; q++) {
      const j = quiet[q]!;
      const at = row + j;
      const fired =
        data[at]! > 0 ||
        data[at + u]! > 0 ||
        data[at + 2 * u]! > 0 ||
        data[at + 3 * u]! > 0 ||
        data[at + 4 * u]! > 0 ||
        data[at + 5 * u]! > 0 ||
        data[at + 6 * u]! > 0 ||
        data[at + 7 * u]! > 0;
      if (!fired) quiet[kept++] = j;
    }
    left = kept;
  }
  for (; i < samples && left > 0; i++, row += u) {
    let kept = 0;
    for (let q = 0; q < left; q++) {
      const j = quiet[q]!;
      if (!(data[row + j]! > 0)) quiet[kept++] = j;
    }
    left = kept;
  }
  return left;
}

/**
 * neverActive's list of the units not yet seen firing, grown to the widest layer seen and
 * reused (a new Int32Array of 100 took 2–3 µs in a process with a worker thread).
 */
let quiet = new Int32Array(64);

function quietFor(units: number): Int32Array {
  if (quiet.length < units) quiet = new Int32Array(units);
  return quiet;
}

/**
 * Sigmoid and tanh: the units of `v` (`[samples, units]`, the outputs) saturated on every
 * sample, and the number of saturated outputs.
 */
function saturation(kind: 'sigmoid' | 'tanh', v: Tensor): { never: number; outputs: number } {
  const op = kind === 'sigmoid' ? sigmoidRailsOp : tanhRailsOp;
  // whole numbers below 2²⁴ samples: exact even in float32; summed over the units in float64
  const counts = op.run([v], reduceAttrs(op.opName, v, 0, false)).to('float64');
  return { never: counts.eq(v.shape[0]!).sum().item(), outputs: counts.sum().item() };
}

/**
 * Measure one forward pass of an activation: `x` its input, `y` its output. Rectifiers are
 * judged on x (PReLU may learn a negative slope), sigmoid and tanh on y.
 *
 * @example
 * measureActivation('relu', x, relu(x)).dead; // 0.5 if half the units never fired
 */
export function measureActivation(kind: ActivationKind, x: Tensor, y: Tensor): ActivationStats {
  const op = 'measureActivation';
  if (!KINDS.includes(kind)) {
    throw new ValueError(
      op,
      `kind must be 'relu', 'leakyRelu', 'prelu', 'sigmoid' or 'tanh', got ${show(kind)}`,
    );
  }
  checkTensor(op, 'x', x);
  checkTensor(op, 'y', y);
  const samples = x.ndim >= 2 ? x.shape[0]! : 1;
  const size = x.size;
  const units = samples === 0 ? 0 : size / samples;
  const rectifier = kind === 'relu' || kind === 'leakyRelu' || kind === 'prelu';
  // units never active (rectifiers) or never unsaturated (sigmoid, tanh), saturated outputs
  const { never, outputs } =
    units === 0
      ? { never: 0, outputs: 0 }
      : rectifier
        ? { never: neverActive(x, samples, units), outputs: 0 }
        : noGrad(() => saturation(kind, y.reshape([samples, units])));
  const unitFraction = units === 0 ? 0 : never / units;
  return {
    activation: kind,
    samples,
    units,
    dead: rectifier ? unitFraction : null,
    saturated: rectifier ? null : unitFraction,
    saturatedOutputs: rectifier ? null : size === 0 ? 0 : outputs / size,
  };
}
