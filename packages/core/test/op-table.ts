// The op table: one entry per differentiable op (and per variant worth its own entry):
// how to call it, arbitraries for its inputs and attributes kept inside its domain, a
// plain-JS reference for its forward values, and whether it is smooth (→ second-order
// check too). gradients.property.test.ts runs the same checks on every entry, so adding
// an entry here adds its tests.
import {
  abs,
  add,
  cast,
  clone,
  concat,
  type DType,
  div,
  exp,
  expand,
  gather,
  indexSelect,
  leakyRelu,
  linear,
  linearRelu,
  log,
  logSoftmax,
  logsumexp,
  matmul,
  max,
  maximum,
  mean,
  minimum,
  mul,
  neg,
  pow,
  relu,
  reshape,
  sigmoid,
  slice,
  softmax,
  sqrt,
  squeeze,
  stack,
  sub,
  sum,
  type Tensor,
  tanh,
  tensor,
  transpose,
  unsqueeze,
  where,
} from '@tapegrad/core';
import {
  broadcastPairArb,
  broadcastShapesArb,
  type ShapeArbOptions,
  shapeArb,
  tensorArb,
  type ValueDomain,
} from '@tapegrad/core/testing';
import fc from 'fast-check';
import {
  alongDim,
  at,
  broadcastIndex,
  broadcastShape,
  concatRef,
  expandRef,
  fromNested,
  gatherRef,
  indexSelectRef,
  logSoftmaxValues,
  logSumExp,
  map,
  matmulRef,
  normDims,
  type Ref,
  ravel,
  reduceRef,
  reshapeRef,
  size,
  sliceRef,
  softmaxValues,
  stackRef,
  transposeRef,
  unravel,
} from './reference.js';

/** Float64 inputs (they require grad) and the op's attributes. */
export interface OpSample<A> {
  readonly inputs: readonly Tensor[];
  readonly attrs: A;
}

/** How large the sampled tensors may be: small for second-order checks. */
export interface SampleLimits {
  readonly maxRank: number;
  readonly maxDim: number;
}

export interface OpEntry<A = unknown> {
  /** The op's name, with the variant in parentheses when an op has several entries. */
  readonly name: string;
  /** The domain notes: where the values are kept, and why. */
  readonly notes: string;
  /** Inputs inside the op's domain and attributes, in tensors no larger than `limits`. */
  readonly sample: (limits: SampleLimits) => fc.Arbitrary<OpSample<A>>;
  /**
   * Where each input's values must lie when the op is fed computed values (the random op
   * graphs of graphs.property.test.ts), one per input, the last repeated for ops of any
   * arity: null for any real value, else the domain the samples are drawn from.
   */
  readonly domains: (attrs: A) => readonly (ValueDomain | null)[];
  /** Ties between the inputs split the gradient: keep them apart (maximum, minimum). */
  readonly separated?: boolean;
  /**
   * Not smooth where a value computed inside the op crosses a point (linearRelu's x·Wᵀ + b
   * at 0): its samples keep away from it, but inputs drawn by domain cannot, so the random
   * op graphs (graphs.property.test.ts) leave the op out.
   */
  readonly innerKink?: boolean;
  /** Apply the op. */
  readonly call: (xs: readonly Tensor[], attrs: A) => Tensor;
  /** The expected output, from the inputs' values (`toArray()`). */
  readonly reference: (xs: readonly Ref[], attrs: A) => Ref;
  /** Smooth on the sampled domain: gets a second-order gradient check too. */
  readonly smooth: boolean;
  /** The output's dtype from the inputs' (default: float64 if any input is). */
  readonly outDtype?: (dtypes: readonly DType[], attrs: A) => DType;
  /**
   * The step of the central differences, when gradcheck's 1e-6 does not fit the op (their
   * tolerance is computed for each case: central-differences.ts).
   */
  readonly step?: number;
  /**
   * The magnitude of the terms each output element is computed from, for the rounding-error
   * bound of the forward check (gradients.property.test.ts, `roundingBound`). Default |y|:
   * the kernels evaluate an elementwise expression in float64 and round once (copies and
   * selections are exact). Sums (reductions, matmul) give Σ|term| instead, and ops that
   * round an intermediate add its magnitude.
   */
  readonly forwardTerms?: (xs: readonly Ref[], out: Ref, attrs: A) => Ref;
  /**
   * The magnitude of the terms each input's gradient elements are computed from, for the
   * rounding-error bound of the float32 gradient check. Default Σⱼ |dyⱼ|·|∂yⱼ/∂xₖ|, from the
   * float64 Jacobian: right when every Jacobian entry is computed with a few relative
   * roundings. Ops whose backward cancels (1 − y², dy − Σdy·…) or rounds an intermediate at
   * a larger scale than the result (x − logsumexp(x)) give their terms here.
   */
  readonly gradientTerms?: (xs: readonly Ref[], out: Ref, dy: Ref, attrs: A) => Ref[];
}

function entry<A>(e: OpEntry<A>): OpEntry<unknown> {
  return e as unknown as OpEntry<unknown>;
}

// Arbitraries shared by the entries.

const input = (shape: readonly number[], domain: ValueDomain = {}): fc.Arbitrary<Tensor> =>
  tensorArb(shape, { ...domain, requiresGrad: true });

const noAttrs = (inputs: fc.Arbitrary<Tensor[]>): fc.Arbitrary<OpSample<undefined>> =>
  inputs.map((xs) => ({ inputs: xs, attrs: undefined }));

/** A dim of a tensor of rank `rank` (≥ 1), negative half the time. */
const dimArb = (rank: number): fc.Arbitrary<number> => fc.integer({ min: -rank, max: rank - 1 });

/** What reductions accept: every dim (undefined), one dim, or a list of distinct dims. */
const dimsArb = (rank: number): fc.Arbitrary<number | number[] | undefined> => {
  if (rank === 0) return fc.constant(undefined);
  const list = fc
    .uniqueArray(fc.nat({ max: rank - 1 }), { minLength: 1, maxLength: rank })
    .chain((ds) => fc.tuple(...ds.map((d) => fc.constantFrom(d, d - rank))));
  return fc.oneof(fc.constant(undefined), dimArb(rank), list);
};

/** Shapes of rank ≥ minRank within the limits. */
const shapes = (limits: SampleLimits, minRank = 0, extra: ShapeArbOptions = {}) =>
  shapeArb({
    minRank,
    maxRank: Math.max(minRank, limits.maxRank),
    maxDim: limits.maxDim,
    ...extra,
  });

const unarySample = (domain: ValueDomain | null) => (limits: SampleLimits) =>
  noAttrs(shapes(limits).chain((s) => fc.tuple(input(s, domain ?? {}))));

const binarySample =
  (da: ValueDomain | null, db: ValueDomain | null = da) =>
  (limits: SampleLimits) =>
    noAttrs(
      broadcastPairArb(limits).chain(([sa, sb]) =>
        fc.tuple(input(sa, da ?? {}), input(sb, db ?? {})),
      ),
    );

/** Any real value, for every input. */
const anyValues = (): readonly null[] => [null];

/**
 * Move b's values until each is `margin` away from every value of a it meets under
 * broadcasting, so maximum/minimum never see a tie (or a near tie) within the step.
 */
function separated(a: Tensor, b: Tensor, margin: number): Tensor {
  const ra = fromNested(a.toArray());
  const rb = fromNested(b.toArray());
  const met = rb.data.map((): number[] => []);
  const shape = broadcastShape([ra.shape, rb.shape]);
  for (let k = 0; k < size(shape); k++) {
    const idx = unravel(k, shape);
    met[ravel(broadcastIndex(idx, rb.shape), rb.shape)]!.push(
      at(ra, broadcastIndex(idx, ra.shape)),
    );
  }
  const values = rb.data.map((v, i) => {
    let u = v;
    while (met[i]!.some((w) => Math.abs(w - u) < margin)) u += margin;
    return u;
  });
  return tensor(values, { shape: b.shape, dtype: 'float64', requiresGrad: true });
}

const separatedPairSample = (limits: SampleLimits) =>
  noAttrs(
    broadcastPairArb(limits).chain(([sa, sb]) =>
      fc.tuple(input(sa), input(sb)).map(([a, b]) => [a, separated(a, b, 0.01)]),
    ),
  );

// Entry builders for the common kinds of op.

function elementwise(
  name: string,
  op: (x: Tensor) => Tensor,
  f: (x: number) => number,
  {
    smooth,
    notes,
    domain = null,
    gradientTerms,
  }: {
    smooth: boolean;
    notes: string;
    /** Where x must lie (default: anywhere; samples are drawn from [-2, 2]). */
    domain?: ValueDomain | null;
    gradientTerms?: OpEntry<undefined>['gradientTerms'];
  },
): OpEntry<unknown> {
  return entry<undefined>({
    name,
    notes,
    smooth,
    ...(gradientTerms === undefined ? {} : { gradientTerms }),
    sample: unarySample(domain),
    domains: () => [domain],
    call: ([x]) => op(x!),
    reference: ([x]) => map(f, x!),
  });
}

function binary(
  name: string,
  op: (a: Tensor, b: Tensor) => Tensor,
  f: (a: number, b: number) => number,
  {
    smooth,
    notes,
    domains = [null, null],
    sample = binarySample(...domains),
    separated = false,
  }: {
    smooth: boolean;
    notes: string;
    /** Where a and b must lie (default: anywhere; samples are drawn from [-2, 2]). */
    domains?: readonly [ValueDomain | null, ValueDomain | null];
    sample?: (limits: SampleLimits) => fc.Arbitrary<OpSample<undefined>>;
    separated?: boolean;
  },
): OpEntry<unknown> {
  return entry<undefined>({
    name,
    notes,
    smooth,
    sample,
    domains: () => domains,
    ...(separated ? { separated } : {}),
    call: ([a, b]) => op(a!, b!),
    reference: ([a, b]) => map(f, a!, b!),
  });
}

/** A binary op with a number on one side: the number becomes a constant scalar tensor. */
function withNumber(
  name: string,
  op: (x: Tensor, c: number) => Tensor,
  f: (x: number, c: number) => number,
  { notes, domain = null }: { notes: string; domain?: ValueDomain | null },
): OpEntry<unknown> {
  return entry<{ c: number }>({
    name,
    notes,
    smooth: true,
    domains: () => [domain],
    sample: (limits) =>
      fc.record({
        inputs: shapes(limits).chain((s) => fc.tuple(input(s, domain ?? {}))),
        attrs: fc.record({ c: fc.constantFrom(-1.5, 0.5, 2, 3) }),
      }),
    call: ([x], { c }) => op(x!, c),
    reference: ([x], { c }) => map((v) => f(v, c), x!),
  });
}

interface ReduceAttrs {
  readonly dims: number | number[] | undefined;
  readonly keepdim: boolean;
}

function reduction(
  name: string,
  op: (x: Tensor, dims: number | number[] | undefined, keepdim: boolean) => Tensor,
  f: (values: number[]) => number,
  {
    smooth,
    notes,
    domain = null,
    needsDims = false,
    terms = {},
  }: {
    smooth: boolean;
    notes: string;
    domain?: ValueDomain | null;
    needsDims?: boolean;
    terms?: Pick<OpEntry<ReduceAttrs>, 'forwardTerms' | 'gradientTerms'>;
  },
): OpEntry<unknown> {
  return entry<ReduceAttrs>({
    name,
    notes,
    smooth,
    ...terms,
    domains: () => [domain],
    sample: (limits) =>
      shapes(limits, needsDims ? 1 : 0).chain((s) =>
        fc.record({
          inputs: fc.tuple(input(s, domain ?? {})),
          attrs: fc.record({
            dims: needsDims ? dimsArb(s.length).filter((d) => d !== undefined) : dimsArb(s.length),
            keepdim: fc.boolean(),
          }),
        }),
      ),
    call: ([x], { dims, keepdim }) => op(x!, dims, keepdim),
    reference: ([x], { dims, keepdim }) => reduceRef(x!, dims, keepdim, f),
  });
}

/** Along one dim of a tensor of rank ≥ 1 (softmax, logSoftmax). */
function alongOneDim(
  name: string,
  op: (x: Tensor, dim: number) => Tensor,
  f: (values: number[]) => number[],
  notes: string,
  domain: ValueDomain,
  terms: Pick<OpEntry<{ dim: number }>, 'forwardTerms' | 'gradientTerms'>,
): OpEntry<unknown> {
  return entry<{ dim: number }>({
    name,
    notes,
    smooth: true,
    ...terms,
    domains: () => [domain],
    sample: (limits) =>
      shapes(limits, 1).chain((s) =>
        fc.record({
          inputs: fc.tuple(input(s, domain)),
          attrs: fc.record({ dim: dimArb(s.length) }),
        }),
      ),
    call: ([x], { dim }) => op(x!, dim),
    reference: ([x], { dim }) => alongDim(x!, dim, f),
  });
}

function primeFactors(n: number): number[] {
  const out: number[] = [];
  for (let p = 2; n > 1; p++) {
    while (n % p === 0) {
      out.push(p);
      n /= p;
    }
  }
  return out;
}

/** A new shape of the same size: the prime factors regrouped, some 1s, maybe one -1. */
function reshapeTargetArb(shape: readonly number[]): fc.Arbitrary<number[]> {
  const factors = primeFactors(size(shape));
  const n = factors.length;
  return fc
    .record({
      order: fc.shuffledSubarray(
        factors.map((_, i) => i),
        { minLength: n, maxLength: n },
      ),
      splits: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      ones: fc.nat({ max: 2 }),
      free: fc.option(fc.nat({ max: 7 }), { nil: undefined }),
    })
    .map(({ order, splits, ones, free }) => {
      const dims: number[] = [];
      order.forEach((i, j) => {
        if (j === 0 || splits[j]) dims.push(factors[i]!);
        else dims[dims.length - 1]! *= factors[i]!;
      });
      for (let i = 0; i < ones; i++) dims.splice((i * 2) % (dims.length + 1), 0, 1);
      if (free !== undefined && dims.length > 0) dims[free % dims.length] = -1;
      return dims;
    });
}

/** Matmul operand shapes with batch dims (broadcasting, rank differences) of size ≤ 2. */
function batchedMatmulShapes(limits: SampleLimits): fc.Arbitrary<[number[], number[]]> {
  const mkn = fc.tuple(...[0, 1, 2].map(() => fc.integer({ min: 1, max: limits.maxDim })));
  return fc
    .tuple(broadcastShapesArb(2, { minRank: 1, maxRank: 2, maxDim: 2 }), mkn)
    .map(([[ba, bb], [m, k, n]]) => [
      [...ba!, m!, k!],
      [...bb!, k!, n!],
    ]);
}

/** The cases NumPy treats specially: a 1-D operand on either side or both. */
function vectorMatmulShapes(limits: SampleLimits): fc.Arbitrary<[number[], number[]]> {
  const dim = fc.integer({ min: 1, max: limits.maxDim });
  const batch = shapeArb({ maxRank: 1, maxDim: 2 });
  return fc.oneof(
    dim.map((k): [number[], number[]] => [[k], [k]]),
    fc.tuple(batch, dim, dim).map(([b, k, n]): [number[], number[]] => [[k], [...b, k, n]]),
    fc.tuple(batch, dim, dim).map(([b, m, k]): [number[], number[]] => [[...b, m, k], [k]]),
  );
}

function matmulEntry(
  name: string,
  shapesOf: (limits: SampleLimits) => fc.Arbitrary<[number[], number[]]>,
  notes: string,
): OpEntry<unknown> {
  return entry<undefined>({
    name,
    notes,
    smooth: true,
    domains: anyValues,
    // each element is a sum of products a·b (summed in float64, rounded once)
    forwardTerms: ([a, b]) => matmulRef(absRef(a!), absRef(b!)),
    sample: (limits) =>
      noAttrs(shapesOf(limits).chain(([sa, sb]) => fc.tuple(input(sa), input(sb)))),
    call: ([a, b]) => matmul(a!, b!),
    reference: ([a, b]) => matmulRef(a!, b!),
  });
}

/**
 * linear(x, W, b) = x·Wᵀ + b: x [..., in] (1-D, 2-D or with a batch dim), W [out, in],
 * b [out] or none.
 */
/** The least |x·Wᵀ + b| of linearRelu's samples: away from relu's kink (as relu's margin). */
const KINK_MARGIN = 0.01;

function linearEntry(name: string, withBias: boolean, relu = false): OpEntry<unknown> {
  const dim = (limits: SampleLimits) => fc.integer({ min: 1, max: limits.maxDim });
  const shapes = (limits: SampleLimits) =>
    fc
      .tuple(shapeArb({ maxRank: 2, maxDim: 3 }), dim(limits), dim(limits))
      .map(([lead, inF, outF]) => ({ x: [...lead, inF], w: [outF, inF], b: [outF] }));
  const product = (x: Ref, w: Ref): Ref =>
    x.shape.length === 1
      ? reshapeRef(matmulRef(reshapeRef(x, [1, x.shape[0]!]), transposeRef(w, 0, 1)), [w.shape[0]!])
      : matmulRef(x, transposeRef(w, 0, 1));
  const linearRef = ([x, w, b]: readonly Ref[]): Ref => {
    const y = product(x!, w!);
    return b === undefined ? y : map((p, v) => p + v, y, b);
  };
  const inputs = (limits: SampleLimits) =>
    shapes(limits).chain(
      ({ x, w, b }): fc.Arbitrary<Tensor[]> =>
        withBias ? fc.tuple(input(x), input(w), input(b)) : fc.tuple(input(x), input(w)),
    );
  return entry<undefined>({
    name,
    notes: `any values; x [..., in] (1-D too), W [out, in]${withBias ? ', b [out]' : ', no bias'}${relu ? `; |x·Wᵀ${withBias ? ' + b' : ''}| ≥ ${KINK_MARGIN}, away from relu's kink` : ''}`,
    smooth: true,
    innerKink: relu,
    domains: anyValues,
    // the product rounded once (a sum of products), then the bias added and rounded again
    // (relu's max with 0 is exact)
    forwardTerms: ([x, w, b]) => {
      const terms = product(absRef(x!), absRef(w!));
      return b === undefined ? terms : map((t, v) => 2 * t + Math.abs(v), terms, b);
    },
    sample: (limits) =>
      noAttrs(
        relu
          ? inputs(limits).filter((xs) =>
              linearRef(xs.map(refOf)).data.every((z) => Math.abs(z) >= KINK_MARGIN),
            )
          : inputs(limits),
      ),
    call: ([x, w, b]) => (relu ? linearRelu : linear)(x!, w!, b ?? null),
    reference: (xs) => (relu ? map((z) => Math.max(0, z), linearRef(xs)) : linearRef(xs)),
  });
}

const twoDMatmulShapes = (limits: SampleLimits): fc.Arbitrary<[number[], number[]]> =>
  fc.tuple(...[0, 1, 2].map(() => fc.integer({ min: 1, max: limits.maxDim }))).map(([m, k, n]) => [
    [m!, k!],
    [k!, n!],
  ]);

const refOf = (t: Tensor): Ref => fromNested(t.toArray());

const absRef = (x: Ref): Ref => map(Math.abs, x);

/** Σ|x| over the reduced dims: the terms of a sum. */
const sumOfAbs = (x: Ref, dims: ReduceAttrs['dims'], keepdim: boolean): Ref =>
  reduceRef(absRef(x), dims, keepdim, (vs) => vs.reduce((s, v) => s + v, 0));

/** A reduction's output (or its gradient) with the reduced dims kept as 1s, to broadcast against x. */
function kept(r: Ref, x: Ref, dims: ReduceAttrs['dims']): Ref {
  const ds = normDims(dims, x.shape.length);
  return { shape: x.shape.map((d, i) => (ds.includes(i) ? 1 : d)), data: r.data };
}

// The rounding-error terms of the shift-by-max ops (the error analyses behind them are in
// gradients.property.test.ts, next to `roundingBound`; u is the unit roundoff, and each
// array below is computed in float32 and stored, so rounded once, unless said otherwise):
//
// logsumexp: y = fl(log s + m), s = Σ fl(exp(x − m)) (x − m exact in float64, the sum in
// float64): |δs/s| ≤ 2u, so |δy| ≤ u·(|y| + 2): forward terms |y| + 1. Backward
// dy·exp(fl(x − y)): the exponent is off by |δy| + u·|x − y|, so the gradient's relative
// error is u·(|y| + |x − y| + 3) — for logits near ±800 that is the logits' own magnitude,
// as y is rounded at their scale: terms |dy|·e^(x−y)·(1 + |y| + |x − y|).
const logsumexpTerms: Pick<OpEntry<ReduceAttrs>, 'forwardTerms' | 'gradientTerms'> = {
  forwardTerms: (_, y) => map((v) => Math.abs(v) + 1, y),
  gradientTerms: ([x], y, dy, { dims }) => [
    map(
      (v, o, d) => Math.abs(d) * Math.exp(v - o) * (1 + Math.abs(o) + Math.abs(v - o)),
      x!,
      kept(y, x!, dims),
      kept(dy, x!, dims),
    ),
  ],
};

// softmax: y = fl(e / s), e = fl(exp(x − m)), s = fl(Σe): relative error ≤ 4u, forward terms
// |y|. Backward y ⊙ (dy − Σⱼ dyⱼyⱼ): the products and their sum are off by ≤ 5u·Σⱼ|dyⱼ|yⱼ, the
// difference by u·(|dy| + Σⱼ|dyⱼ|yⱼ), the last product by 5u: terms y·(|dy| + Σⱼ|dyⱼ|yⱼ).
// The difference cancels (the gradient is small where dy ≈ Σ dy·y): the Jacobian's terms
// |y|·|dy − …| would not bound it.
const softmaxTerms: Pick<OpEntry<{ dim: number }>, 'forwardTerms' | 'gradientTerms'> = {
  gradientTerms: (_, y, dy, { dim }) => {
    const weighted = reduceRef(
      map((d, v) => Math.abs(d) * v, dy, y),
      dim,
      true,
      (vs) => vs.reduce((s, v) => s + v, 0),
    );
    return [map((v, d, w) => v * (Math.abs(d) + w), y, dy, weighted)];
  },
};

// logSoftmax: y = fl((x − m) − log s) (evaluated in float64 from the float32 x, m and s):
// |δy| ≤ u·(|y| + 2), forward terms |y| + 1. Backward dy − fl(exp(y))·Σdy: exp(y) is off by
// u·(|y| + 3) relatively, the product by one more u, the difference by u·(|dy| + e^y·|Σdy|):
// terms |dy| + e^y·|Σdy|·(1 + |y|). The difference cancels (dy ≈ e^y·Σdy): a bound relative
// to the gradient, as this entry once had, fails there (the CI flake of seed 27621830).
const logSoftmaxTerms: Pick<OpEntry<{ dim: number }>, 'forwardTerms' | 'gradientTerms'> = {
  forwardTerms: (_, y) => map((v) => Math.abs(v) + 1, y),
  gradientTerms: (_, y, dy, { dim }) => {
    const total = reduceRef(dy, dim, true, (vs) => vs.reduce((s, v) => s + v, 0));
    return [
      map((d, v, t) => Math.abs(d) + Math.exp(v) * Math.abs(t) * (1 + Math.abs(v)), dy, y, total),
    ];
  },
};

/** A 0/1 mask of float32 or float64 (its dtype must not leak into where's output). */
const maskArb = (shape: readonly number[]): fc.Arbitrary<Tensor> =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: size(shape), maxLength: size(shape) }),
      fc.constantFrom<DType>('float32', 'float64'),
    )
    .map(([bs, dtype]) => tensor(bs.map(Number), { shape, dtype }));

// The table.

export const opTable: readonly OpEntry<unknown>[] = [
  // binary arithmetic, broadcasting
  binary('add', add, (a, b) => a + b, { smooth: true, notes: 'any values' }),
  binary('sub', sub, (a, b) => a - b, { smooth: true, notes: 'any values' }),
  binary('mul', mul, (a, b) => a * b, { smooth: true, notes: 'any values' }),
  binary('div', div, (a, b) => a / b, {
    smooth: true,
    notes: 'keep the denominator away from 0 (|b| ≥ 0.5): the gradient -a/b² blows up there',
    domains: [null, { avoid: [0], margin: 0.5 }],
  }),
  binary('pow (tensor exponent)', pow, (a, b) => a ** b, {
    smooth: true,
    notes: 'pow base > 0 when the exponent is a tensor: d/dy xʸ = xʸ ln x needs ln x',
    domains: [
      { min: 0.5, max: 2 },
      { min: -2, max: 2 },
    ],
  }),
  binary('maximum', maximum, Math.max, {
    smooth: false,
    notes:
      'maximum: keep a and b apart (ties split the gradient): b moved 0.01 away from every a it meets',
    sample: separatedPairSample,
    separated: true,
  }),
  binary('minimum', minimum, Math.min, {
    smooth: false,
    notes:
      'minimum: keep a and b apart (ties split the gradient): b moved 0.01 away from every a it meets',
    sample: separatedPairSample,
    separated: true,
  }),
  withNumber('add (tensor + number)', add, (x, c) => x + c, { notes: 'any values' }),
  withNumber(
    'sub (number - tensor)',
    (x, c) => sub(c, x),
    (x, c) => c - x,
    {
      notes: 'any values; the number is on the left',
    },
  ),
  withNumber(
    'mul (number · tensor)',
    (x, c) => mul(c, x),
    (x, c) => c * x,
    {
      notes: 'any values',
    },
  ),
  withNumber(
    'div (number / tensor)',
    (x, c) => div(c, x),
    (x, c) => c / x,
    {
      notes: 'keep the denominator away from 0 (|x| ≥ 0.5)',
      domain: { avoid: [0], margin: 0.5 },
    },
  ),
  entry<{ exponent: number }>({
    name: 'pow (number exponent)',
    notes:
      'integer exponents take any base; fractional and negative ones keep the base in [0.5, 2] (real, away from the pole at 0)',
    smooth: true,
    // as sampled: positive integer exponents take any base, the others a base in [0.5, 2]
    domains: ({ exponent }) => [
      Number.isInteger(exponent) && exponent > 0 ? null : { min: 0.5, max: 2 },
    ],
    sample: (limits) =>
      fc
        .oneof(
          fc.record({ exponent: fc.constantFrom(2, 3), domain: fc.constant({}) }),
          fc.record({
            exponent: fc.constantFrom(0.5, -1, -1.5, 2.5),
            domain: fc.constant({ min: 0.5, max: 2 }),
          }),
        )
        .chain(({ exponent, domain }) =>
          fc.record({
            inputs: shapes(limits).chain((s) => fc.tuple(input(s, domain))),
            attrs: fc.constant({ exponent }),
          }),
        ),
    call: ([x], { exponent }) => pow(x!, exponent),
    reference: ([x], { exponent }) => map((v) => v ** exponent, x!),
  }),

  // unary math and activations
  elementwise('neg', neg, (x) => -x, { smooth: true, notes: 'any values' }),
  elementwise('exp', exp, Math.exp, {
    smooth: true,
    notes: 'x in [-2, 2]',
    domain: { min: -2, max: 2 },
  }),
  elementwise('log', log, Math.log, {
    smooth: true,
    notes: 'log needs x > 0 (x ≥ 0.1: the gradient 1/x grows near 0)',
    domain: { min: 0.1, max: 3 },
  }),
  elementwise('sqrt', sqrt, Math.sqrt, {
    smooth: true,
    notes: 'sqrt needs x > 0 (x ≥ 0.1: the gradient 1/(2√x) blows up at 0)',
    domain: { min: 0.1, max: 3 },
  }),
  elementwise('abs', abs, Math.abs, {
    smooth: false,
    notes: "keep away from abs's kink at 0",
    domain: { avoid: [0] },
  }),
  elementwise('tanh', tanh, Math.tanh, {
    smooth: true,
    notes: 'x in [-3, 3]',
    domain: { min: -3, max: 3 },
    // dy·(1 − y·y) from the rounded y: 1 − y² is off by 3u·y² (it cancels as |y| → 1), the
    // rest by 2u relatively: terms |dy|·(1 + y²), not the Jacobian's |dy|·(1 − y²)
    gradientTerms: (_, y, dy) => [map((d, v) => Math.abs(d) * (1 + v * v), dy, y)],
  }),
  elementwise('sigmoid', sigmoid, (x) => 1 / (1 + Math.exp(-x)), {
    smooth: true,
    notes: 'x in [-4, 4]',
    domain: { min: -4, max: 4 },
    // dy·y·(1 − y) from the rounded y: 1 − y is off by u·y (it cancels as y → 1), the rest
    // by 3u relatively: terms |dy|·y·((1 − y) + y) = |dy|·y
    gradientTerms: (_, y, dy) => [map((d, v) => Math.abs(d) * v, dy, y)],
  }),
  // relu and leakyRelu are linear on each side of the kink, so their second-order check
  // tests the fused backward ops (reluBackward, leakyReluBackward) and their own backward
  elementwise('relu', relu, (x) => Math.max(0, x), {
    smooth: true,
    notes: "keep away from relu's kink at 0",
    domain: { avoid: [0] },
  }),
  entry<{ slope: number | undefined }>({
    name: 'leakyRelu',
    notes: 'keep away from the kink at 0; the slope is random or left to its default (0.01)',
    smooth: true,
    domains: () => [{ avoid: [0] }],
    sample: (limits) =>
      fc.record({
        inputs: shapes(limits).chain((s) => fc.tuple(input(s, { avoid: [0] }))),
        attrs: fc.record({
          slope: fc.option(fc.constantFrom(0.01, 0.2, 0.5, -0.3, 1.5), { nil: undefined }),
        }),
      }),
    call: ([x], { slope }) => (slope === undefined ? leakyRelu(x!) : leakyRelu(x!, slope)),
    reference: ([x], { slope = 0.01 }) => map((v) => (v > 0 ? v : slope * v), x!),
  }),

  // matrix products
  matmulEntry('matmul (2-D)', twoDMatmulShapes, 'any values; [m,k] @ [k,n]'),
  matmulEntry(
    'matmul (batched)',
    batchedMatmulShapes,
    'any values; batch dims broadcast, with rank differences and size-1 dims',
  ),
  matmulEntry(
    'matmul (1-D operands)',
    vectorMatmulShapes,
    'any values; [k]@[k], [k]@[...,k,n], [...,m,k]@[k] as in NumPy',
  ),

  linearEntry('linear', true),
  linearEntry('linear (no bias)', false),
  linearEntry('linearRelu', true, true),
  linearEntry('linearRelu (no bias)', false, true),

  // reductions
  reduction('sum', sum, (vs) => vs.reduce((s, v) => s + v, 0), {
    smooth: true,
    notes: 'any values; all dims, one dim, or a list, negative dims, keepdim',
    terms: { forwardTerms: ([x], _, { dims, keepdim }) => sumOfAbs(x!, dims, keepdim) },
  }),
  reduction(
    'mean',
    (x, d, k) => mean(x, d, k),
    (vs) => vs.reduce((s, v) => s + v, 0) / vs.length,
    {
      smooth: true,
      notes: 'any values; all dims, one dim, or a list, negative dims, keepdim',
      terms: {
        forwardTerms: ([x], y, { dims, keepdim }) => {
          const n = x!.data.length / Math.max(1, y.data.length);
          return map((t) => t / n, sumOfAbs(x!, dims, keepdim));
        },
      },
    },
  ),
  reduction('max', max, (vs) => Math.max(...vs), {
    smooth: false,
    notes:
      'values in [-5, 5] pairwise 0.01 apart: ties split the gradient, and a near tie inside the step breaks the finite difference',
    domain: { min: -5, max: 5, distinct: true },
  }),
  reduction('logsumexp', (x, d, k) => logsumexp(x, d!, k), logSumExp, {
    smooth: true,
    notes: 'x in [-3, 3]; dims required (one dim or a list)',
    domain: { min: -3, max: 3 },
    needsDims: true,
    terms: logsumexpTerms,
  }),
  reduction('logsumexp (large logits)', (x, d, k) => logsumexp(x, d!, k), logSumExp, {
    smooth: true,
    notes: 'x in [-805, -800]: exp underflows to 0 unless shifted by the max',
    domain: { min: -805, max: -800 },
    needsDims: true,
    terms: logsumexpTerms,
  }),
  alongOneDim(
    'softmax',
    softmax,
    softmaxValues,
    'x in [-3, 3]; any dim, negative too',
    { min: -3, max: 3 },
    softmaxTerms,
  ),
  alongOneDim(
    'softmax (large logits)',
    softmax,
    softmaxValues,
    'x in [800, 805]: exp overflows to Inf unless shifted by the max',
    { min: 800, max: 805 },
    softmaxTerms,
  ),
  alongOneDim(
    'logSoftmax',
    logSoftmax,
    logSoftmaxValues,
    'x in [-3, 3]; any dim, negative too',
    { min: -3, max: 3 },
    logSoftmaxTerms,
  ),
  alongOneDim(
    'logSoftmax (large logits)',
    logSoftmax,
    logSoftmaxValues,
    'x in [800, 805]: exp overflows to Inf unless shifted by the max',
    { min: 800, max: 805 },
    logSoftmaxTerms,
  ),

  // shape and indexing
  entry<{ shape: number[] }>({
    name: 'reshape',
    notes: 'any values; the target regroups the prime factors of the size, with 1s and one -1',
    smooth: true,
    domains: anyValues,
    sample: (limits) =>
      shapes(limits).chain((s) =>
        fc.record({
          inputs: fc.tuple(input(s)),
          attrs: fc.record({ shape: reshapeTargetArb(s) }),
        }),
      ),
    call: ([x], { shape }) => reshape(x!, shape),
    reference: ([x], { shape }) => reshapeRef(x!, shape),
  }),
  entry<{ d0: number | undefined; d1: number | undefined }>({
    name: 'transpose',
    notes: 'any values; rank ≥ 2, dims default to the last two, may be equal or negative',
    smooth: true,
    domains: anyValues,
    sample: (limits) =>
      shapes(limits, 2).chain((s) =>
        fc.record({
          inputs: fc.tuple(input(s)),
          attrs: fc.record({
            d0: fc.option(dimArb(s.length), { nil: undefined }),
            d1: fc.option(dimArb(s.length), { nil: undefined }),
          }),
        }),
      ),
    call: ([x], { d0, d1 }) => transpose(x!, d0, d1),
    reference: ([x], { d0 = -2, d1 = -1 }) => transposeRef(x!, d0, d1),
  }),
  entry<{ dim: number | undefined }>({
    name: 'squeeze',
    notes: 'any values; shapes with size-1 dims; one dim (size 1 or not) or all',
    smooth: true,
    domains: anyValues,
    sample: (limits) =>
      broadcastShapesArb(1, limits).chain(([s]) =>
        fc.record({
          inputs: fc.tuple(input(s!)),
          attrs: fc.record({
            dim:
              s!.length === 0
                ? fc.constant(undefined)
                : fc.option(dimArb(s!.length), { nil: undefined }),
          }),
        }),
      ),
    call: ([x], { dim }) => squeeze(x!, dim),
    reference: ([x], { dim }) => {
      const r = x!.shape.length;
      const d = dim === undefined ? undefined : dim < 0 ? dim + r : dim;
      const shape = x!.shape.filter((n, i) => n !== 1 || (d !== undefined && i !== d));
      return { shape, data: x!.data };
    },
  }),
  entry<{ dim: number }>({
    name: 'unsqueeze',
    notes: 'any values; dim in [-rank-1, rank]',
    smooth: true,
    domains: anyValues,
    sample: (limits) =>
      shapes(limits).chain((s) =>
        fc.record({
          inputs: fc.tuple(input(s)),
          attrs: fc.record({ dim: dimArb(s.length + 1) }),
        }),
      ),
    call: ([x], { dim }) => unsqueeze(x!, dim),
    reference: ([x], { dim }) => {
      const shape = x!.shape.slice();
      shape.splice(dim < 0 ? dim + shape.length + 1 : dim, 0, 1);
      return { shape, data: x!.data };
    },
  }),
  entry<{ dim: number; start: number; end: number | undefined }>({
    name: 'slice',
    notes: 'any values; negative and out-of-range bounds (clamped), end optional, empty slices',
    smooth: true,
    domains: anyValues,
    sample: (limits) =>
      shapes(limits, 1).chain((s) => {
        const bound = fc.integer({ min: -limits.maxDim - 1, max: limits.maxDim + 1 });
        return fc.record({
          inputs: fc.tuple(input(s)),
          attrs: fc.record({
            dim: dimArb(s.length),
            start: bound,
            end: fc.option(bound, { nil: undefined }),
          }),
        });
      }),
    call: ([x], { dim, start, end }) => slice(x!, dim, start, end),
    reference: ([x], { dim, start, end }) => sliceRef(x!, dim, start, end),
  }),
  entry<{ dim: number; index: Tensor | number[] }>({
    name: 'gather',
    notes:
      'any values; index of the same rank, other dims no larger than x, repeated indices (their gradients add up), float32/float64 or number[] indices',
    smooth: true,
    domains: anyValues,
    sample: (limits) =>
      shapes(limits, 1).chain((s) =>
        fc.integer({ min: -s.length, max: s.length - 1 }).chain((dim) => {
          const d = dim < 0 ? dim + s.length : dim;
          const indexShape = fc.tuple(
            ...s.map((n, i) => fc.integer({ min: 1, max: i === d ? limits.maxDim : n })),
          );
          const index = indexShape.chain((is) =>
            fc
              .tuple(
                fc.array(fc.nat({ max: s[d]! - 1 }), { minLength: size(is), maxLength: size(is) }),
                fc.constantFrom<'float32' | 'float64' | 'list'>('float32', 'float64', 'list'),
              )
              .map(([values, form]): Tensor | number[] =>
                form === 'list' && is.length === 1
                  ? values
                  : tensor(values, {
                      shape: is,
                      dtype: form === 'float64' ? 'float64' : 'float32',
                    }),
              ),
          );
          return fc.record({
            inputs: fc.tuple(input(s)),
            attrs: fc.record({ dim: fc.constant(dim), index }),
          });
        }),
      ),
    call: ([x], { dim, index }) => gather(x!, dim, index),
    reference: ([x], { dim, index }) =>
      gatherRef(
        x!,
        dim,
        Array.isArray(index) ? { shape: [index.length], data: index } : refOf(index),
      ),
  }),
  entry<{ dim: number; index: number[] }>({
    name: 'indexSelect',
    notes:
      'any values; a 1-D index of 1 to 5 positions along dim (negative too), repeats allowed (their gradients add up)',
    smooth: true,
    domains: anyValues,
    sample: (limits) =>
      shapes(limits, 1).chain((s) =>
        fc.integer({ min: -s.length, max: s.length - 1 }).chain((dim) => {
          const d = dim < 0 ? dim + s.length : dim;
          return fc.record({
            inputs: fc.tuple(input(s)),
            attrs: fc.record({
              dim: fc.constant(dim),
              index: fc.array(fc.nat({ max: s[d]! - 1 }), { minLength: 1, maxLength: 5 }),
            }),
          });
        }),
      ),
    call: ([x], { dim, index }) => indexSelect(x!, dim, index),
    reference: ([x], { dim, index }) => indexSelectRef(x!, dim, index),
  }),
  entry<{ dim: number }>({
    name: 'concat',
    notes: 'any values; 1 to 3 tensors differing along dim (negative too)',
    smooth: true,
    domains: anyValues,
    sample: (limits) =>
      shapes(limits, 1).chain((s) =>
        fc.integer({ min: -s.length, max: s.length - 1 }).chain((dim) => {
          const d = dim < 0 ? dim + s.length : dim;
          const part = fc
            .integer({ min: 1, max: limits.maxDim })
            .chain((n) => input(s.map((m, i) => (i === d ? n : m))));
          return fc.record({
            inputs: fc.array(part, { minLength: 1, maxLength: 3 }),
            attrs: fc.constant({ dim }),
          });
        }),
      ),
    call: (xs, { dim }) => concat(xs, dim),
    reference: (xs, { dim }) => concatRef(xs, dim),
  }),
  entry<{ dim: number }>({
    name: 'stack',
    notes: 'any values; 1 to 3 tensors of one shape, dim in [-rank-1, rank]',
    smooth: true,
    domains: anyValues,
    sample: (limits) =>
      shapes(limits, 0, { maxRank: Math.max(0, limits.maxRank - 1) }).chain((s) =>
        fc.record({
          inputs: fc.array(input(s), { minLength: 1, maxLength: 3 }),
          attrs: fc.record({ dim: dimArb(s.length + 1) }),
        }),
      ),
    call: (xs, { dim }) => stack(xs, dim),
    reference: (xs, { dim }) => stackRef(xs, dim),
  }),
  entry<{ shape: number[] }>({
    name: 'expand',
    notes: 'any values; new leading dims and size-1 dims stretched (the engine sums them back)',
    smooth: true,
    domains: anyValues,
    sample: (limits) =>
      broadcastShapesArb(2, limits).chain(([a, b]) => {
        const full = broadcastShape([a!, b!]);
        return fc.record({
          inputs: fc.tuple(input(a!)),
          attrs: fc.constant({ shape: full }),
        });
      }),
    call: ([x], { shape }) => expand(x!, shape),
    reference: ([x], { shape }) => expandRef(x!, shape),
  }),
  entry<{ condition: Tensor }>({
    name: 'where',
    notes: 'any values; condition, a and b broadcast together; the condition is a 0/1 mask',
    smooth: true,
    domains: anyValues,
    sample: (limits) =>
      broadcastShapesArb(3, limits).chain(([sc, sa, sb]) =>
        fc.record({
          inputs: fc.tuple(input(sa!), input(sb!)),
          attrs: fc.record({
            condition: maskArb(sc!),
          }),
        }),
      ),
    call: ([a, b], { condition }) => where(condition, a!, b!),
    reference: ([a, b], { condition }) =>
      map((c, x, y) => (c !== 0 ? x : y), refOf(condition), a!, b!),
  }),
  entry<{ condition: Tensor; c: number; side: 'a' | 'b' }>({
    name: 'where (number branch)',
    notes: "any values; the number takes the tensor branch's dtype, never the condition's",
    smooth: true,
    domains: anyValues,
    sample: (limits) =>
      broadcastShapesArb(2, limits).chain(([sc, sx]) =>
        fc.record({
          inputs: fc.tuple(input(sx!)),
          attrs: fc.record({
            condition: maskArb(sc!),
            c: fc.constantFrom(0, -1.5, 2),
            side: fc.constantFrom<'a' | 'b'>('a', 'b'),
          }),
        }),
      ),
    call: ([x], { condition, c, side }) =>
      side === 'a' ? where(condition, c, x!) : where(condition, x!, c),
    reference: ([x], { condition, c, side }) =>
      map((m, v) => ((m !== 0) === (side === 'b') ? v : c), refOf(condition), x!),
  }),
  entry<{ dtype: DType }>({
    name: 'cast',
    notes:
      'any values; to float32 the output is rounded (by u = 2⁻²⁴ relatively), and the rounding error of the central differences, u·|y|/h, needs a step of 1e-2 (cast is linear: the step costs no accuracy)',
    smooth: true,
    domains: anyValues,
    sample: (limits) =>
      shapes(limits).chain((s) =>
        fc.record({
          inputs: fc.tuple(input(s)),
          attrs: fc.record({ dtype: fc.constantFrom<DType>('float32', 'float64') }),
        }),
      ),
    call: ([x], { dtype }) => cast(x!, dtype),
    reference: ([x]) => x!,
    outDtype: (_, { dtype }) => dtype,
    step: 1e-2,
  }),
  elementwise('clone', clone, (x) => x, { smooth: true, notes: 'any values' }),
];
