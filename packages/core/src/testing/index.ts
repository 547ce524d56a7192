// @tapegrad/core/testing: fast-check arbitraries for shapes and tensors, and a one-line
// gradient property check for an op (gradcheck, and gradgradcheck for smooth ops).
import fc from 'fast-check';
import {
  type DType,
  type GradcheckFn,
  type GradcheckOptions,
  gradcheck,
  gradgradcheck,
  type Tensor,
  tensor,
  ValueError,
} from '../index.js';

export interface ShapeArbOptions {
  /** Fewest dims (default 0: scalars included). */
  readonly minRank?: number;
  /** Most dims (default 3). */
  readonly maxRank?: number;
  /** Smallest size of a dim (default 1). */
  readonly minDim?: number;
  /** Largest size of a dim (default 4). */
  readonly maxDim?: number;
}

/** Where a tensor's values are drawn from. */
export interface ValueDomain {
  /** The smallest value (default -2). */
  readonly min?: number;
  /** The largest value (default 2). */
  readonly max?: number;
  /** Points to keep away from, such as kinks and poles: no value lies within `margin` of one. */
  readonly avoid?: readonly number[];
  /** The distance kept from `avoid` points, and between values when `distinct` (default 0.01). */
  readonly margin?: number;
  /** Keep the values pairwise `margin` apart (for max-like ops, where ties split the gradient). */
  readonly distinct?: boolean;
}

export interface TensorArbOptions extends ValueDomain {
  /** Default 'float64', the dtype gradient checks need. */
  readonly dtype?: DType;
  /** Default false. */
  readonly requiresGrad?: boolean;
}

/** A list of input shapes for an op, one per input. */
export type ShapesArb = fc.Arbitrary<readonly (readonly number[])[]>;

// Values are drawn as whole multiples of GRID: exact in float32 as in float64 (below 256 in
// magnitude), uniform over the domain, finer than any finite-difference step that matters,
// and they shrink towards 0. Domains beyond ±2³⁶ use a coarser power of 2.
const GRID = 2 ** -16;

function gridStep(d: { readonly min: number; readonly max: number }): number {
  const scale = Math.max(Math.abs(d.min), Math.abs(d.max));
  return Math.max(GRID, 2 ** Math.ceil(Math.log2(scale / Number.MAX_SAFE_INTEGER)));
}

/**
 * Random shapes, e.g. `[]`, `[3]`, `[2, 1, 4]`.
 *
 * @example
 * fc.assert(fc.property(shapeArb({ minRank: 1 }), (s) => zeros(s).ndim >= 1));
 */
export function shapeArb(options: ShapeArbOptions = {}): fc.Arbitrary<number[]> {
  const { minRank = 0, maxRank = 3, minDim = 1, maxDim = 4 } = options;
  return fc.array(fc.integer({ min: minDim, max: maxDim }), {
    minLength: minRank,
    maxLength: maxRank,
  });
}

/**
 * `count` shapes that broadcast together (NumPy rules): each is the broadcast shape with
 * some leading dims dropped (rank differences) and some dims set to 1. The broadcast shape
 * has a rank in [minRank, maxRank]; at least one of the shapes has that rank.
 *
 * @example
 * broadcastShapesArb(3) // e.g. [[2, 1, 4], [4], [1, 3, 1]] for where(c, a, b)
 */
export function broadcastShapesArb(count: number, options: ShapeArbOptions = {}): ShapesArb {
  const maxRank = options.maxRank ?? 3;
  const operand = fc.record({
    drop: fc.nat({ max: maxRank }),
    ones: fc.array(fc.boolean(), { minLength: maxRank, maxLength: maxRank }),
  });
  return fc
    .tuple(shapeArb(options), fc.array(operand, { minLength: count, maxLength: count }))
    .map(([full, operands]) => {
      const drops = operands.map(({ drop }) => Math.min(drop, full.length));
      const least = Math.min(...drops);
      return operands.map(({ ones }, i) =>
        full.slice(drops[i]! - least).map((d, j) => (ones[j] ? 1 : d)),
      );
    });
}

/**
 * Two shapes that broadcast together, including rank differences and size-1 dims.
 *
 * @example
 * checkOpGradient(mul, { shapes: broadcastPairArb() });
 */
export function broadcastPairArb(
  options: ShapeArbOptions = {},
): fc.Arbitrary<[number[], number[]]> {
  return broadcastShapesArb(2, options).map(([a, b]) => [a!.slice(), b!.slice()]);
}

interface Domain {
  readonly min: number;
  readonly max: number;
  readonly avoid: readonly number[];
  readonly margin: number;
  readonly distinct: boolean;
}

function resolveDomain(domain: ValueDomain): Domain {
  const d: Domain = {
    min: domain.min ?? -2,
    max: domain.max ?? 2,
    avoid: domain.avoid ?? [],
    margin: domain.margin ?? 0.01,
    distinct: domain.distinct ?? false,
  };
  if (!(d.min <= d.max) || !Number.isFinite(d.min) || !Number.isFinite(d.max)) {
    throw new ValueError('tensorArb', `expected finite min ≤ max, got [${d.min}, ${d.max}]`);
  }
  if (!(d.margin >= 0)) throw new ValueError('tensorArb', `margin must be ≥ 0, got ${d.margin}`);
  return d;
}

function allowed(v: number, d: Domain): boolean {
  return d.avoid.every((p) => Math.abs(v - p) >= d.margin);
}

/** One value of the domain, unbiased (uniform over its grid points). */
function valueArb(d: Domain): fc.Arbitrary<number> {
  const step = gridStep(d);
  const lo = Math.ceil(d.min / step);
  const hi = Math.floor(d.max / step);
  if (lo > hi) {
    throw new ValueError('tensorArb', `the domain [${d.min}, ${d.max}] holds no value`);
  }
  const steps = 1000;
  const reachable = Array.from({ length: steps + 1 }, (_, i) =>
    Math.round(lo + ((hi - lo) * i) / steps),
  ).some((k) => allowed(k * step, d));
  if (!reachable) {
    throw new ValueError(
      'tensorArb',
      `avoid points [${d.avoid.join(', ')}] with margin ${d.margin} leave nothing of [${d.min}, ${d.max}]`,
    );
  }
  return fc
    .noBias(fc.integer({ min: lo, max: hi }))
    .map((k) => k * step)
    .filter((v) => allowed(v, d));
}

/**
 * Move each value (in order) to the first of v, v + margin, v + 2·margin, … (wrapping
 * around the domain) that is `margin` away from the values before it and from `avoid`.
 */
function spreadApart(values: readonly number[], d: Domain): number[] {
  const width = d.max - d.min;
  const step = gridStep(d);
  const tries = Math.ceil(width / Math.max(d.margin, step)) + 2;
  const out: number[] = [];
  for (const v of values) {
    let placed: number | null = null;
    for (let t = 0; t < tries && placed === null; t++) {
      const shifted = d.min + ((v - d.min + t * d.margin) % (width + step));
      const c = Math.round(shifted / step) * step;
      const free = out.every((u) => Math.abs(u - c) >= d.margin);
      if (c >= d.min && c <= d.max && free && allowed(c, d)) placed = c;
    }
    if (placed === null) {
      throw new ValueError(
        'tensorArb',
        `cannot draw ${values.length} values ${d.margin} apart in [${d.min}, ${d.max}]`,
      );
    }
    out.push(placed);
  }
  return out;
}

/** Arbitraries of `n` values of the domain (checked now, not when drawing). */
function valuesOf(d: Domain): (n: number) => fc.Arbitrary<number[]> {
  const value = valueArb(d);
  return (n) => {
    const values = fc.array(value, { minLength: n, maxLength: n });
    return d.distinct ? values.map((vs) => spreadApart(vs, d)) : values;
  };
}

/**
 * `n` values of the domain, as plain numbers.
 *
 * @example
 * valuesArb(6, { min: 0.1, max: 3 }) // e.g. [0.52, 2.9, 0.1, 1.75, 0.33, 2.01]
 */
export function valuesArb(n: number, domain: ValueDomain = {}): fc.Arbitrary<number[]> {
  return valuesOf(resolveDomain(domain))(n);
}

function isArbitrary<T>(x: unknown): x is fc.Arbitrary<T> {
  return typeof (x as { generate?: unknown }).generate === 'function';
}

/**
 * Random tensors of a shape (or of shapes drawn from an arbitrary) with values in a domain;
 * float64 by default. Values are uniform over the domain (no bias towards edge values) and
 * stay `margin` away from `avoid` points.
 *
 * @example
 * tensorArb(shapeArb(), { min: 0.1, max: 3 })            // log's domain
 * tensorArb([2, 3], { avoid: [0], requiresGrad: true })  // away from relu's kink
 */
export function tensorArb(
  shape: readonly number[] | fc.Arbitrary<readonly number[]>,
  options: TensorArbOptions = {},
): fc.Arbitrary<Tensor> {
  const shapes: fc.Arbitrary<readonly number[]> = isArbitrary<readonly number[]>(shape)
    ? shape
    : fc.constant(shape);
  const values = valuesOf(resolveDomain(options));
  return shapes.chain((s) =>
    values(s.reduce((a, b) => a * b, 1)).map((vs) => makeTensor(vs, s, options)),
  );
}

function makeTensor(values: readonly number[], shape: readonly number[], o: TensorArbOptions) {
  const t = tensor(Float64Array.from(values), {
    shape,
    dtype: o.dtype ?? 'float64',
    requiresGrad: o.requiresGrad ?? false,
  });
  // counterexamples print as tensors, not as the fields of the class
  Object.defineProperty(t, fc.toStringMethod, { value: () => t.toString() });
  return t;
}

/**
 * One tensor per shape, each with its own domain when `domain` is a list.
 *
 * @example
 * inputsArb(broadcastPairArb(), [{}, { avoid: [0], margin: 0.5 }]) // div's [a, b]
 */
export function inputsArb(
  shapes: ShapesArb,
  domain: ValueDomain | readonly ValueDomain[] = {},
  options: Pick<TensorArbOptions, 'dtype' | 'requiresGrad'> = {},
): fc.Arbitrary<Tensor[]> {
  const domainOf = (i: number): ValueDomain =>
    isDomainList(domain) ? (domain[i] ?? domain[domain.length - 1] ?? {}) : domain;
  return shapes.chain((ss) =>
    fc.tuple(...ss.map((s, i) => tensorArb(s, { ...domainOf(i), ...options }))),
  );
}

function isDomainList(d: ValueDomain | readonly ValueDomain[]): d is readonly ValueDomain[] {
  return Array.isArray(d);
}

/** fast-check's default number of cases per property. */
const FAST_CHECK_DEFAULT_RUNS = 100;

/**
 * `n` scaled as fast-check's global numRuns is scaled from its default of 100: the number of
 * cases for a property that runs `n` by default and more (or fewer) in a run configured
 * with `fc.configureGlobal({ numRuns })`. Properties with a number of cases of their own
 * pass it through this, so that one global setting stresses all of them.
 *
 * @example
 * fc.configureGlobal({ numRuns: 1000 }); // e.g. in a test setup file, for a stress run
 * fc.assert(property, { numRuns: scaledRuns(25) }); // 250 cases
 */
export function scaledRuns(n: number): number {
  const global = fc.readConfigureGlobal().numRuns ?? FAST_CHECK_DEFAULT_RUNS;
  return Math.max(1, Math.round((n * global) / FAST_CHECK_DEFAULT_RUNS));
}

export interface AssertGradientsOptions extends GradcheckOptions {
  /** 1: gradcheck; 2: gradcheck and gradgradcheck (default 1). */
  readonly order?: 1 | 2;
}

/**
 * Throw an Error carrying the gradcheck report's message when first-order (and, with
 * `order: 2`, second-order) gradients of `fn` at `inputs` are wrong: the check of
 * `checkOpGradient`.
 *
 * With gradcheck's defaults (step h = 1e-6, atol 1e-5, rtol 1e-3) central differences are
 * off by at most h²/6·|f'''| + δ/h, δ the rounding error of the projected output f in
 * float64 (at most (n + 8)·2⁻⁵³·Σ|terms| for n terms): within atol (half each) for
 * |f'''| ≤ 3e7 and δ ≤ 5e-12, i.e. Σ|terms| up to ~600 for outputs of up to 64 elements —
 * ops on values of order 1 to 10, as the default domain [-2, 2] draws. Beyond that (large
 * values, steep functions, float32 inside the op), pass a larger `eps` and the `atol` that
 * the same two terms give.
 *
 * @example
 * assertGradients((a, b) => a.mul(b).tanh(), [a, b], { order: 2 });
 */
export function assertGradients(
  fn: GradcheckFn,
  inputs: readonly Tensor[],
  options: AssertGradientsOptions = {},
): void {
  const { order = 1, ...tolerances } = options;
  const first = gradcheck(fn, inputs, tolerances);
  if (!first.ok) throw new Error(first.message);
  if (order === 2) {
    const second = gradgradcheck(fn, inputs, tolerances);
    if (!second.ok) throw new Error(second.message);
  }
}

export interface CheckOpGradientOptions extends Omit<AssertGradientsOptions, 'seed'> {
  /** The input shapes (default: one shape from `shapeArb()`, for a unary op). */
  readonly shapes?: ShapesArb;
  /** The inputs' values: one domain for all, or one per input (default [-2, 2]). */
  readonly domain?: ValueDomain | readonly ValueDomain[];
  /** Number of random cases (default `scaledRuns(25)`: 25, more when fast-check's global numRuns is raised). */
  readonly numRuns?: number;
  /** fast-check's seed, to replay a failure. */
  readonly seed?: number;
}

/**
 * A property test of an op's gradients in one line: random float64 inputs of random
 * shapes, `gradcheck` on each (and `gradgradcheck` with `order: 2`), via `fc.assert`.
 * Throws fast-check's report (with the shrunk counterexample and the gradcheck message)
 * when a case fails.
 *
 * @example
 * checkOpGradient(cube, { order: 2 });
 * checkOpGradient(myDiv, { shapes: broadcastPairArb(), domain: [{}, { avoid: [0], margin: 0.5 }] });
 */
export function checkOpGradient(op: GradcheckFn, options: CheckOpGradientOptions = {}): void {
  const { shapes, domain, numRuns = scaledRuns(25), seed, ...check } = options;
  const inputs = inputsArb(shapes ?? shapeArb().map((s) => [s]), domain ?? {}, {
    requiresGrad: true,
  });
  // the gradcheck report goes into the message, next to the shrunk counterexample
  const parameters = { numRuns, includeErrorInReport: true };
  fc.assert(
    fc.property(inputs, (xs) => assertGradients(op, xs, check)),
    seed === undefined ? parameters : { ...parameters, seed },
  );
}
