// The op table's tests: for every entry and on every backend, float64 gradients against
// central differences (second order too for smooth ops), and forward values against a
// plain-JS reference in float64, float32 and mixed float32/float64, on contiguous and
// strided inputs. A new backend is tested by this same table the day it is registered.
import {
  type DType,
  fromNdarray,
  getBackend,
  grad,
  gradgradcheck,
  listBackends,
  setBackend,
  type Tensor,
  tensor,
} from '@tapegrad/core';
import { assertGradients } from '@tapegrad/core/testing';
import fc from 'fast-check';
import ndarray from 'ndarray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ops from '../src/ops/index.js';
import { type OpEntry, opTable, type SampleLimits } from './op-table.js';
import { fromNested, unravel } from './reference.js';

// Small tensors and 25 cases per property keep the file fast: a gradient check runs the op
// twice per input element (the second-order one with a backward pass each time).
const LIMITS: SampleLimits = { maxRank: 3, maxDim: 4 };
const RUNS = 25;

type Mode = 'float64' | 'float32' | 'mixed';
type Layout = 'contiguous' | 'strided' | 'columnMajor';

/** Input i's dtype in a mode; "mixed" alternates float32 and float64. */
function dtypeOf(mode: Mode, i: number): DType {
  if (mode === 'mixed') return i % 2 === 0 ? 'float32' : 'float64';
  return mode;
}

/**
 * The same values as x, as a leaf of `dtype` laid out in memory as `layout`: row-major,
 * every other element of a larger buffer from offset 1, or column-major.
 */
function relayout(x: Tensor, dtype: DType, layout: Layout): Tensor {
  const shape = x.shape.slice();
  const n = x.size;
  const values = x.toTypedArray();
  const rowMajor = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const strides =
    layout === 'contiguous'
      ? rowMajor
      : layout === 'strided'
        ? rowMajor.map((s) => 2 * s)
        : shape.map((_, i) => shape.slice(0, i).reduce((a, b) => a * b, 1));
  const offset = layout === 'strided' ? 1 : 0;
  const length = layout === 'strided' ? 2 * n + 1 : n;
  const buffer = dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
  for (let k = 0; k < n; k++) {
    const p = unravel(k, shape).reduce((q, i, d) => q + i * strides[d]!, offset);
    buffer[p] = values[k]!;
  }
  return fromNdarray(ndarray(buffer, shape, strides, offset), { requiresGrad: true });
}

function expectedDtype(entry: OpEntry, xs: readonly Tensor[], attrs: unknown): DType {
  const dtypes = xs.map((x) => x.dtype);
  return entry.outDtype?.(dtypes, attrs) ?? (dtypes.includes('float64') ? 'float64' : 'float32');
}

/** Throw at the first value out of tolerance, naming its position and both values. */
function expectValuesClose(
  got: readonly number[],
  want: readonly number[],
  shape: readonly number[],
  dtype: DType,
  what = 'value',
  float32Rtol = 1e-5,
): void {
  const [atol, rtol] = dtype === 'float64' ? [1e-12, 1e-10] : [1e-5, float32Rtol];
  expect(got.length).toBe(want.length);
  got.forEach((g, k) => {
    const w = want[k]!;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) {
      throw new Error(
        `${what} at [${unravel(k, shape).join(',')}] is ${g}, the reference says ${w} (${dtype})`,
      );
    }
  });
}

/** The inputs as leaves of the mode's dtypes in the given memory layouts. */
function prepare(inputs: readonly Tensor[], mode: Mode, layouts: readonly Layout[]): Tensor[] {
  return inputs.map((x, i) => relayout(x, dtypeOf(mode, i), layouts[i % layouts.length]!));
}

function checkForward(entry: OpEntry, xs: readonly Tensor[], attrs: unknown): void {
  const out = entry.call(xs, attrs);
  const want = entry.reference(
    xs.map((x) => fromNested(x.toArray())),
    attrs,
  );
  expect(out.dtype).toBe(expectedDtype(entry, xs, attrs));
  expect(out.shape).toEqual(want.shape);
  expectValuesClose(fromNested(out.toArray()).data, want.data, want.shape, out.dtype);
}

/** A fixed upstream gradient of varied values (quarters: exact in float32). */
function upstream(out: Tensor, dtype: DType): Tensor {
  const values = Array.from({ length: out.size }, (_, k) => ((k * 7) % 9) / 4 - 1);
  return tensor(values, { shape: out.shape, dtype });
}

/**
 * The gradients of the op at `xs` (any dtypes and layouts) equal those at the contiguous
 * float64 `inputs` (which gradcheck vouches for), and come in each input's dtype and shape.
 */
function checkGradientsAcrossLayouts(
  entry: OpEntry,
  inputs: readonly Tensor[],
  xs: readonly Tensor[],
  attrs: unknown,
): void {
  const out = entry.call(xs, attrs);
  const out64 = entry.call(inputs, attrs);
  const gs = grad(out, xs, { gradOutput: upstream(out, out.dtype), allowUnused: true });
  const want = grad(out64, inputs, { gradOutput: upstream(out64, 'float64'), allowUnused: true });
  gs.forEach((g, i) => {
    const w = want[i]!;
    expect(g === null).toBe(w === null);
    if (g === null || w === null) return;
    expect(g.dtype).toBe(xs[i]!.dtype);
    expect(g.shape).toEqual(xs[i]!.shape);
    const [values, expected] = [g, w].map((t) => fromNested(t.toArray()).data);
    expectValuesClose(values!, expected!, g.shape, g.dtype, 'gradient', entry.float32Rtol);
  });
}

const modeArb = fc.constantFrom<Mode>('float64', 'float32', 'mixed');
const layoutsArb = fc.array(fc.constantFrom<Layout>('contiguous', 'strided', 'columnMajor'), {
  minLength: 1,
  maxLength: 3,
});

// Ops without gradients (masks and indices): everything else in the op library needs an entry.
const NOT_DIFFERENTIABLE = ['argmax', 'sign', 'gt', 'ge', 'lt', 'le', 'eq'];

it('the op table has an entry for every differentiable op of the library', () => {
  const covered = new Set(opTable.map((e) => e.name.split(' ')[0]));
  const missing = Object.keys(ops).filter(
    (op) => !NOT_DIFFERENTIABLE.includes(op) && !covered.has(op),
  );
  expect(missing).toEqual([]);
});

describe.each(listBackends())('%s backend', (backend) => {
  const previous = getBackend();
  beforeAll(() => setBackend(backend));
  afterAll(() => setBackend(previous));

  describe.each(opTable.map((e) => [e.name, e] as const))('%s', (_, entry) => {
    it(`first-order gradients match central differences in float64 (${entry.notes})`, () => {
      fc.assert(
        fc.property(entry.sample(LIMITS), ({ inputs, attrs }) => {
          assertGradients((...xs) => entry.call(xs, attrs), inputs, { ...entry.tolerances });
        }),
        { numRuns: RUNS },
      );
    });

    if (entry.smooth) {
      it('second-order gradients (in the inputs and in the upstream gradient) match', () => {
        fc.assert(
          fc.property(entry.sample(LIMITS), ({ inputs, attrs }) => {
            const report = gradgradcheck(
              (...xs) => entry.call(xs, attrs),
              inputs,
              entry.tolerances,
            );
            if (!report.ok) throw new Error(report.message);
          }),
          { numRuns: RUNS },
        );
      });
    }

    it('forward values match a plain-JS reference in float64, float32 and mixed dtypes', () => {
      fc.assert(
        fc.property(entry.sample(LIMITS), modeArb, layoutsArb, ({ inputs, attrs }, mode, layouts) =>
          checkForward(entry, prepare(inputs, mode, layouts), attrs),
        ),
        { numRuns: RUNS },
      );
    });

    it('gradients of float32, mixed and strided inputs match the float64 contiguous ones', () => {
      fc.assert(
        fc.property(entry.sample(LIMITS), modeArb, layoutsArb, ({ inputs, attrs }, mode, layouts) =>
          checkGradientsAcrossLayouts(entry, inputs, prepare(inputs, mode, layouts), attrs),
        ),
        { numRuns: RUNS },
      );
    });
  });
});
