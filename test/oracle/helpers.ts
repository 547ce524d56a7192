// What the oracle tests share: reading the fixtures PyTorch wrote (scripts/oracle), turning
// their arrays into tensors, the tolerance, and the three checks of a differentiable case
// (value, vector-Jacobian product, second order).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  type DType,
  getBackend,
  grad,
  listBackends,
  setBackend,
  type Tensor,
  tensor,
} from '@tapegrad/core';
import { afterAll, assert, beforeAll, describe } from 'vitest';

export const ROOT = resolve(import.meta.dirname, '../..');
export const GENERATOR_DIR = join(ROOT, 'scripts/oracle');
export const FIXTURE_DIR = join(import.meta.dirname, 'fixtures');

/** An array as the generator writes it: row-major values, float64 unless it says float32. */
export interface Arr {
  readonly shape: number[];
  readonly data: number[];
  readonly dtype?: DType;
}

export interface GeneratorInfo {
  readonly about: string;
  readonly sourcesSha256: string;
  readonly torch: string;
}

export interface Fixture<C> {
  readonly generator: GeneratorInfo;
  readonly cases: C[];
}

/** A differentiable case: PyTorch's value, VJP and second order of one call. */
export interface DerivativeCase {
  readonly op: string;
  readonly case: number;
  readonly inputs: Arr[];
  readonly gradOutput: Arr;
  readonly forward: Arr;
  readonly grads: Arr[];
  /** Inputs PyTorch's first-order graph leaves out (their gradient is written as zeros). */
  readonly firstUnused: boolean[];
  readonly second?: {
    /** The direction v of <vjp, v>, one per input. */
    readonly v: Arr[];
    /** d<vjp, v>/d(inputs…, gradOutput). */
    readonly grads: Arr[];
    /** Where PyTorch's second-order graph leaves the input (or gradOutput) out: zeros, and null is accepted. */
    readonly unused: boolean[];
  };
}

export const FIXTURE_NAMES = ['ops', 'losses', 'modules', 'optim'] as const;

export function loadFixture<C>(name: (typeof FIXTURE_NAMES)[number]): Fixture<C> {
  return JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), 'utf8')) as Fixture<C>;
}

/**
 * The hash the generator records: sha256 over scripts/oracle/*.py sorted by name, each as its
 * name, a newline, its bytes, a newline (scripts/oracle/common.py, sources_sha256).
 */
export function generatorSourcesSha256(): string {
  const h = createHash('sha256');
  const files = readdirSync(GENERATOR_DIR)
    .filter((f) => f.endsWith('.py'))
    .sort(); // code-unit order: Python's sorted() for these ASCII names
  for (const f of files) {
    h.update(`${f}\n`);
    h.update(readFileSync(join(GENERATOR_DIR, f)));
    h.update('\n');
  }
  return h.digest('hex');
}

export function isArr(x: unknown): x is Arr {
  return (
    typeof x === 'object' &&
    x !== null &&
    Array.isArray((x as Arr).shape) &&
    Array.isArray((x as Arr).data)
  );
}

/** A fixture array as a tensor (float64 unless the array says float32). */
export function toTensor(a: Arr, requiresGrad = false): Tensor {
  return tensor(Float64Array.from(a.data), {
    shape: a.shape,
    dtype: a.dtype ?? 'float64',
    requiresGrad,
  });
}

/**
 * How far tapegrad may be from PyTorch: |tapegrad − PyTorch| ≤ RTOL · M for every element,
 * M the magnitude of the case's numbers (caseScale, scaleOf): the terms its sums add up.
 *
 * Both compute in float64 (unit roundoff u = 2⁻⁵³ ≈ 1.1e-16), with different kernels: sums
 * in another order (sequential, pairwise, SIMD lanes), exp/log/tanh/pow from V8 instead of
 * glibc or SLEEF (each within an ulp or two of its result), fused formulas against composed
 * ones. A sum of n terms in any order is within (n − 1)·u·Σ|terms| of the exact sum (Higham,
 * Accuracy and Stability of Numerical Algorithms, §4.2), so two orders differ by at most
 * 2(n − 1)·u·Σ|terms| ≤ 2(n − 1)·n·u·max|term|. Here n ≤ 24 (the largest reduction, matmul and
 * broadcast sum-back), so one sum differs by ≤ 1.2e-13·max|term|; the terms are the case's
 * numbers or products of two or three of them, ≤ 25·M for the |values| ≤ 5 of most cases (the
 * large-logits cases, M ≈ 800, add and subtract the logits themselves): ≤ 3e-12·M per sum,
 * and the longest chains (second order through softmax, 12 optimizer steps that contract)
 * compose a few such sums. RTOL = 1e-10 stays above that worst case by more than 10; the
 * differences measured when the fixtures were made are ≤ 5e-16·M (a few ulps), and a wrong
 * formula, a float32 step or a missing term is off by 1e-8·M or far more.
 */
export const RTOL = 1e-10;

/** M: the largest |value| among the given arrays and numbers (inputs, gradOutput, v, results). */
export function scaleOf(parts: readonly (Arr | number | null | undefined)[]): number {
  let m = 0;
  for (const p of parts) {
    if (p === null || p === undefined) continue;
    if (typeof p === 'number') m = Math.max(m, Math.abs(p));
    else for (const v of p.data) m = Math.max(m, Math.abs(v));
  }
  return m;
}

/** The scale of a derivative case: every array in it. */
export function caseScale(c: DerivativeCase): number {
  return scaleOf([
    ...c.inputs,
    c.gradOutput,
    c.forward,
    ...c.grads,
    ...(c.second?.v ?? []),
    ...(c.second?.grads ?? []),
  ]);
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Fail unless `actual` has `expected`'s shape and dtype and its values within RTOL · scale. */
export function expectClose(
  actual: Tensor | null,
  expected: Arr,
  scale: number,
  what: string,
): void {
  if (actual === null) {
    assert.fail(`${what}: tapegrad gives null, PyTorch ${fmt(expected.shape)} values`);
  }
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.dtype, expected.dtype ?? 'float64', `${what}: dtype`);
  const values = actual.toTypedArray();
  const tol = RTOL * scale;
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < values.length; i++) {
    const err = Math.abs(values[i]! - expected.data[i]!);
    // NaN fails too
    if (!(err <= tol) && (worst < 0 || !(err <= worstErr))) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) {
    let n = 0;
    for (let i = 0; i < values.length; i++) {
      if (!(Math.abs(values[i]! - expected.data[i]!) <= tol)) n++;
    }
    assert.fail(
      `${what}: ${n} of ${values.length} values differ; worst at flat index ${worst}: tapegrad ${values[worst]}, PyTorch ${expected.data[worst]} (|diff| ${worstErr.toExponential(3)} > tol ${tol.toExponential(3)} = ${RTOL} · ${scale})` +
        (values.length <= 12
          ? `\n  tapegrad ${JSON.stringify(Array.from(values))}\n  PyTorch  ${JSON.stringify(expected.data)}`
          : ''),
    );
  }
}

/** Fail unless every value of `actual` is within RTOL · scale of 0 (or it is null). */
export function expectZeroOrNull(
  actual: Tensor | null,
  shape: number[],
  scale: number,
  what: string,
): void {
  if (actual === null) return;
  expectClose(actual, { shape, data: new Array<number>(actual.size).fill(0) }, scale, what);
}

/** A case to check: fresh leaves (the inputs, then any parameters) and the call on them. */
export interface Setup {
  readonly leaves: Tensor[];
  readonly names: string[];
  readonly call: () => Tensor;
}

/** The value of the call, against PyTorch's. */
export function checkForward(c: DerivativeCase, setup: Setup): void {
  expectClose(setup.call(), c.forward, caseScale(c), 'value');
}

/** The VJP into each leaf's .grad by backward(gradOutput), against PyTorch's. */
export function checkFirstOrder(c: DerivativeCase, setup: Setup): void {
  const scale = caseScale(c);
  const y = setup.call();
  y.backward(toTensor(c.gradOutput));
  setup.leaves.forEach((leaf, k) => {
    const what = `gradient of ${setup.names[k]}`;
    if (c.firstUnused[k]) expectZeroOrNull(leaf.grad, c.grads[k]!.shape, scale, what);
    else expectClose(leaf.grad, c.grads[k]!, scale, what);
  });
}

/**
 * The second order: the VJP for a gradOutput g that requires grad, with createGraph; then
 * d<vjp, v>/d(leaves…, g). Where PyTorch's graph leaves a leaf out (unused), tapegrad may give
 * null or zeros; where PyTorch connects it, tapegrad must too (with its values).
 */
export function checkSecondOrder(c: DerivativeCase, setup: Setup): void {
  const second = c.second!;
  const scale = caseScale(c);
  const g = toTensor(c.gradOutput, true);
  const y = setup.call();
  const vjp = grad(y, setup.leaves, {
    gradOutput: g,
    createGraph: true,
    allowUnused: c.firstUnused.some(Boolean),
  });
  let s: Tensor | null = null;
  vjp.forEach((gx, k) => {
    if (gx === null) return;
    const term = gx.mul(toTensor(second.v[k]!)).sum();
    s = s === null ? term : s.add(term);
  });
  assert.isNotNull(s, 'no first-order gradient to differentiate');
  const targets = [...setup.leaves, g];
  const names = [...setup.names, 'gradOutput'];
  const gg = grad(s as unknown as Tensor, targets, { allowUnused: true });
  targets.forEach((_, k) => {
    const what = `second order w.r.t. ${names[k]}`;
    const expected = second.grads[k]!;
    if (second.unused[k]) {
      expectZeroOrNull(gg[k]!, expected.shape, scale, `${what} (left out by PyTorch)`);
    } else if (gg[k] === null) {
      assert.fail(
        `${what}: tapegrad leaves ${names[k]} out of the graph of <vjp, v> (grad gives null with allowUnused, throws without); PyTorch connects it and gives ${JSON.stringify(expected.data.slice(0, 12))}${expected.data.length > 12 ? '…' : ''}`,
      );
    } else expectClose(gg[k]!, expected, scale, what);
  });
}

/** Turn every {shape, data, dtype?} in a fixture's attributes into a tensor; the rest as is. */
export function decodeAttrs(attrs: unknown): unknown {
  if (isArr(attrs)) return toTensor(attrs);
  if (Array.isArray(attrs)) return attrs.map(decodeAttrs);
  if (typeof attrs === 'object' && attrs !== null) {
    return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, decodeAttrs(v)]));
  }
  return attrs;
}

/** The tests of `body` once per kernel backend ('js', and 'wasm' where it runs). */
export function eachBackend(body: () => void): void {
  describe.each(listBackends())('%s backend', (backend) => {
    const previous = getBackend();
    beforeAll(() => setBackend(backend));
    afterAll(() => setBackend(previous));
    body();
  });
}
