// gradcheck and gradgradcheck: analytical gradients from the engine against central
// differences, both in float64, with a report that shows the two side by side.

import { checkOptions } from './args.js';
import { grad } from './autograd/engine.js';
import { enableGrad, noGrad } from './autograd/mode.js';
import { describeValue, fmtShape, ValueError } from './errors.js';
import { add } from './ops/add.js';
import { mul } from './ops/mul.js';
import { sum } from './ops/sum.js';
import { Rng } from './random.js';
import { fromBuffer, Tensor } from './tensor.js';

/** A function of tensors checked by `gradcheck`: it receives the inputs in order. */
export type GradcheckFn = (...inputs: Tensor[]) => Tensor;

export interface GradcheckOptions {
  /** The step of the central differences (default 1e-6). */
  readonly eps?: number;
  /** Absolute tolerance (default 1e-5). */
  readonly atol?: number;
  /** Relative tolerance, against the numerical value (default 1e-3). */
  readonly rtol?: number;
  /** Seed of the fixed random projection of non-scalar outputs (default 0). */
  readonly seed?: number;
}

/** The element where analytical and numerical gradients disagree most. */
export interface GradcheckMismatch {
  /** The position of the input in the `inputs` list. */
  readonly input: number;
  /** The element's multi-index in that input (`[]` for a scalar). */
  readonly index: readonly number[];
  readonly analytical: number;
  readonly numerical: number;
  readonly absError: number;
  readonly relError: number;
}

export interface GradcheckReport {
  /** Every element within `atol + rtol · |numerical|`. */
  readonly ok: boolean;
  readonly maxAbsError: number;
  readonly maxRelError: number;
  /** The element closest to failing (or failing most); null when no element was checked. */
  readonly worst: GradcheckMismatch | null;
  /** A summary; on failure the worst elements with numerical and analytical side by side. */
  readonly message: string;
}

interface Tolerances {
  readonly eps: number;
  readonly atol: number;
  readonly rtol: number;
}

/** One compared element, with its excess over the tolerance (> 1 fails). */
interface Comparison extends GradcheckMismatch {
  readonly excess: number;
}

const DEFAULTS: Tolerances = { eps: 1e-6, atol: 1e-5, rtol: 1e-3 };
const SHOWN_ROWS = 8;

/**
 * Compare the gradients the engine computes for `fn` with central differences, in float64.
 *
 * The inputs are copied to float64 leaves first (the originals are not touched); the inputs
 * that require grad are checked, the others are constants. A non-scalar output is reduced
 * to a scalar with a fixed random projection `Σ fn(x) ⊙ v` (v seeded by `options.seed`), so
 * one backward checks the whole Jacobian `vᵀ J` against the same projection of finite
 * differences; a one-element output is used as is. An element passes when
 * `|analytical − numerical| ≤ atol + rtol · |numerical|`.
 *
 * @example
 * const x = tensor([[0.5, -1], [2, 3]], { dtype: 'float64', requiresGrad: true });
 * const report = gradcheck((x) => x.tanh().mul(x), [x]);
 * report.ok; // true
 * if (!report.ok) console.log(report.message); // numerical and analytical side by side
 */
export function gradcheck(
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckReport {
  checkArgs('gradcheck', fn, inputs, options);
  return check('gradcheck', fn, inputs, options, checkedInputs('gradcheck', inputs), String);
}

/**
 * Check second-order gradients, as `gradcheck` of `Σᵢ sum(gᵢ ⊙ wᵢ)`, where
 * `[g₀, g₁, …] = grad(fn(inputs), inputs, { gradOutput: v, createGraph: true })` and the
 * `wᵢ` are fixed random tensors. The gradOutput `v` is checked too (it is reported as input
 * `inputs.length`, named "gradOutput"), so backward rules are checked for being
 * differentiable both in the inputs and in the upstream gradient — the second also for
 * ops whose gradient does not depend on their inputs (add, slice, gather…).
 *
 * @example
 * const x = tensor([0.3, -1.2, 2], { dtype: 'float64', requiresGrad: true });
 * gradgradcheck((x) => x.sigmoid(), [x]).ok; // true
 */
export function gradgradcheck(
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckReport {
  checkArgs('gradgradcheck', fn, inputs, options);
  const checked = checkedInputs('gradgradcheck', inputs);
  const rng = new Rng((options.seed ?? 0) + 1);
  const outShape = noGrad(() => fn(...inputs.map(toFloat64Leaf))).shape;
  const gradOutput = randomLike(outShape, rng).requiresGrad_();
  const weights = checked.map((i) => randomLike(inputs[i]!.shape, rng));
  const n = inputs.length;
  const gradientObjective: GradcheckFn = (...xs) =>
    enableGrad(() => {
      const y = fn(...xs.slice(0, n));
      const wrt = checked.map((i) => xs[i]!);
      const gs = y.requiresGrad
        ? grad(y, wrt, { gradOutput: xs[n]!, createGraph: true, allowUnused: true })
        : wrt.map(() => null);
      return gs.reduce<Tensor>(
        (acc, g, j) => (g === null ? acc : add(acc, sum(mul(g, weights[j]!)))),
        scalar(0),
      );
    });
  const name = (i: number): string => (i === n ? 'gradOutput' : String(i));
  return check(
    'gradgradcheck',
    gradientObjective,
    [...inputs, gradOutput],
    options,
    [...checked, n],
    name,
  );
}

/** Compare analytical and numerical gradients of `fn` for the `checked` inputs. */
function check(
  op: string,
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  options: GradcheckOptions,
  checked: readonly number[],
  inputName: (i: number) => string,
): GradcheckReport {
  const tol = tolerances(options);
  const xs = inputs.map(toFloat64Leaf);
  const objective = projectedObjective(fn, xs, options.seed ?? 0);
  const analytical = analyticalGradients(objective, xs, checked);
  const comparisons = checked.flatMap((i, j) =>
    compareGradients(
      i,
      xs[i]!.shape,
      analytical[j]!,
      numericalGradient(objective, xs, i, tol.eps),
      tol,
    ),
  );
  return report(op, comparisons, tol, inputName);
}

/** fn a function, inputs a list of tensors, options known ones: errors name `op`. */
function checkArgs(op: string, fn: unknown, inputs: unknown, options: unknown): void {
  if (typeof fn !== 'function') {
    throw new ValueError(op, `fn must be a function of the inputs, got ${describeValue(fn)}`);
  }
  if (!Array.isArray(inputs)) {
    throw new ValueError(op, `inputs must be a list of tensors, got ${describeValue(inputs)}`);
  }
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) {
      throw new ValueError(op, `input ${i} must be a Tensor, got ${describeValue(x)}`);
    }
  });
  const o = checkOptions(op, options, ['eps', 'atol', 'rtol', 'seed']);
  if (o.seed !== undefined && !Number.isSafeInteger(o.seed)) {
    throw new ValueError(op, `seed must be a whole number, got ${describeValue(o.seed)}`);
  }
}

function tolerances(options: GradcheckOptions): Tolerances {
  const tol = {
    eps: options.eps ?? DEFAULTS.eps,
    atol: options.atol ?? DEFAULTS.atol,
    rtol: options.rtol ?? DEFAULTS.rtol,
  };
  for (const [name, v] of Object.entries(tol)) {
    if (!(v >= 0) || !Number.isFinite(v) || (name === 'eps' && v === 0)) {
      throw new ValueError(
        'gradcheck',
        `${name} must be a finite number ≥ 0 (eps > 0), got ${describeValue(v)}`,
      );
    }
  }
  return tol;
}

/** The positions of the inputs that require grad; an error if there are none. */
function checkedInputs(op: string, inputs: readonly Tensor[]): number[] {
  const checked = inputs.flatMap((x, i) => (x.requiresGrad ? [i] : []));
  if (checked.length === 0) {
    const shapes = inputs.map((x) => fmtShape(x.shape)).join(', ');
    throw new ValueError(
      op,
      `no input requires grad (inputs of shapes ${shapes || 'none'}); create the ones to check with { requiresGrad: true }`,
    );
  }
  return checked;
}

/** A float64 copy of x in its own contiguous buffer, a leaf like x (same requiresGrad). */
function toFloat64Leaf(x: Tensor): Tensor {
  return fromBuffer(Float64Array.from(x.toTypedArray()), x.shape, x.requiresGrad);
}

function randomLike(shape: readonly number[], rng: Rng): Tensor {
  const t = fromBuffer(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape);
  const d = t.data.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.normal();
  return t;
}

function scalar(value: number): Tensor {
  return fromBuffer(Float64Array.of(value), []);
}

/**
 * `fn` turned into a scalar function of `xs`: `Σ fn(xs) ⊙ v` with v a fixed random tensor
 * drawn on the first call (the output itself when it has one element).
 */
function projectedObjective(fn: GradcheckFn, xs: readonly Tensor[], seed: number): () => Tensor {
  let v: Tensor | null = null;
  return () => {
    const y: unknown = fn(...xs);
    if (!(y instanceof Tensor)) {
      throw new ValueError(
        'gradcheck',
        `fn must return a Tensor, got ${describeValue(y)}; build the result with tensor ops on the inputs`,
      );
    }
    if (y.size === 1) return y;
    v ??= randomLike(y.shape, new Rng(seed));
    return sum(mul(y, v));
  };
}

/** The engine's gradient of the objective for each checked input, as float64 values. */
function analyticalGradients(
  objective: () => Tensor,
  xs: readonly Tensor[],
  checked: readonly number[],
): Float64Array[] {
  // recorded even when gradcheck is called inside noGrad
  const y = enableGrad(objective);
  const wrt = checked.map((i) => xs[i]!);
  const gs = y.requiresGrad ? grad(y, wrt, { allowUnused: true }) : wrt.map(() => null);
  return gs.map((g, j) =>
    g === null ? new Float64Array(wrt[j]!.size) : Float64Array.from(g.toTypedArray()),
  );
}

/** Central differences of the objective along every element of input i. */
function numericalGradient(
  objective: () => Tensor,
  xs: readonly Tensor[],
  i: number,
  eps: number,
): Float64Array {
  const values = xs[i]!.data.data;
  const out = new Float64Array(values.length);
  const at = (): number => noGrad(objective).item();
  for (let k = 0; k < values.length; k++) {
    const original = values[k]!;
    values[k] = original + eps;
    const up = values[k]!; // the step actually taken: x ± eps rounds when |x| ≫ eps
    const plus = at();
    values[k] = original - eps;
    const down = values[k]!;
    const minus = at();
    values[k] = original;
    out[k] = (plus - minus) / (up - down);
  }
  return out;
}

/** Compare input i's gradients element by element. */
function compareGradients(
  input: number,
  shape: readonly number[],
  analytical: Float64Array,
  numerical: Float64Array,
  { atol, rtol }: Tolerances,
): Comparison[] {
  const out: Comparison[] = [];
  for (let k = 0; k < numerical.length; k++) {
    const a = analytical[k]!;
    const n = numerical[k]!;
    const diff = Math.abs(a - n);
    // NaN on either side is a failure, never a pass
    const absError = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff;
    const scale = Math.max(Math.abs(a), Math.abs(n));
    const relError = absError === 0 ? 0 : Number.isFinite(absError) ? absError / scale : absError;
    const excess = absError === 0 ? 0 : absError / (atol + rtol * Math.abs(n));
    out.push({
      input,
      index: unravelIndex(k, shape),
      analytical: a,
      numerical: n,
      absError,
      relError,
      excess,
    });
  }
  return out;
}

/** The multi-index of flat position k in a row-major tensor of `shape`. */
function unravelIndex(k: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = k % shape[d]!;
    k = Math.floor(k / shape[d]!);
  }
  return index;
}

function report(
  op: string,
  comparisons: Comparison[],
  tol: Tolerances,
  inputName: (i: number) => string,
): GradcheckReport {
  const sorted = comparisons.slice().sort((a, b) => b.excess - a.excess);
  const top = sorted[0];
  const failing = sorted.filter((c) => !(c.excess <= 1));
  const ok = failing.length === 0;
  const maxAbsError = comparisons.reduce((m, c) => Math.max(m, c.absError), 0);
  const maxRelError = comparisons.reduce((m, c) => Math.max(m, c.relError), 0);
  const worst: GradcheckMismatch | null =
    top === undefined
      ? null
      : {
          input: top.input,
          index: top.index,
          analytical: top.analytical,
          numerical: top.numerical,
          absError: top.absError,
          relError: top.relError,
        };
  const errors = `max abs error ${fmt(maxAbsError)}, max rel error ${fmt(maxRelError)}`;
  const limits = `atol ${tol.atol}, rtol ${tol.rtol}, eps ${tol.eps}`;
  const message = ok
    ? `${op}: ok, ${comparisons.length} elements checked (${errors}; ${limits})`
    : [
        `${op}: analytical and numerical gradients differ in ${failing.length} of ${comparisons.length} elements (${limits})`,
        `worst: input ${inputName(top!.input)} at index [${top!.index.join(',')}]: numerical ${fmt(top!.numerical)}, analytical ${fmt(top!.analytical)}`,
        formatTable(failing.slice(0, SHOWN_ROWS), inputName),
        failing.length > SHOWN_ROWS ? `… and ${failing.length - SHOWN_ROWS} more` : '',
        errors,
      ]
        .filter((line) => line !== '')
        .join('\n');
  return { ok, maxAbsError, maxRelError, worst, message };
}

/** Failing elements as aligned columns: input, index, numerical, analytical, errors. */
function formatTable(rows: readonly Comparison[], inputName: (i: number) => string): string {
  const header = ['input', 'index', 'numerical', 'analytical', 'abs error', 'rel error'];
  const cells = rows.map((c) => [
    inputName(c.input),
    `[${c.index.join(',')}]`,
    fmt(c.numerical),
    fmt(c.analytical),
    fmt(c.absError),
    fmt(c.relError),
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...cells.map((r) => r[j]!.length)));
  const line = (r: readonly string[]): string =>
    `  ${r.map((s, j) => s.padStart(widths[j]!)).join('  ')}`;
  return [line(header), ...cells.map(line)].join('\n');
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5)
    ? String(Number(v.toPrecision(8)))
    : v.toExponential(4);
}
