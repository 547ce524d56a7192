// gradcheck and gradgradcheck: they pass correct gradients, and catch wrong ones with a
// report that names the input, the element and both values.
import {
  defineOp,
  gradcheck,
  gradgradcheck,
  mul,
  noGrad,
  type Op,
  sum,
  Tensor,
  tensor,
  ValueError,
} from '@tapegrad/core';
import ndarray, { type NdArray } from 'ndarray';
import { describe, expect, it } from 'vitest';

type Arr = NdArray<Float32Array | Float64Array>;

/** An elementwise forward for test ops: f of every value, in the input's dtype. */
function mapValues(x: Arr, f: (v: number) => number): Arr {
  const values = new Tensor(x).toTypedArray().map(f);
  return ndarray(values, x.shape.slice());
}

const f64 = (data: number[] | number[][], requiresGrad = true): Tensor =>
  tensor(data, { dtype: 'float64', requiresGrad });

describe('gradcheck', () => {
  it('passes correct gradients, with errors near float64 rounding', () => {
    const a = f64([
      [0.5, -1.25, 2],
      [1, 0.75, -0.5],
    ]);
    const b = f64([0.3, -0.7, 1.1]);
    const report = gradcheck((a, b) => a.mul(b).tanh(), [a, b]);
    expect(report.ok).toBe(true);
    expect(report.maxAbsError).toBeLessThan(1e-8);
    expect(report.maxRelError).toBeLessThan(1e-6);
    expect([0, 1]).toContain(report.worst!.input);
    expect(report.message).toMatch(/^gradcheck: ok, 9 elements checked/);
  });

  it('names the input, the multi-index and both values of a wrong element', () => {
    // the gradient of x² with a bug at one element: 2x + 1 instead of 2x at [1, 2]
    const bump = tensor(
      [
        [0, 0, 0],
        [0, 0, 1],
      ],
      { dtype: 'float64' },
    );
    const square = defineOp({
      name: 'buggySquare',
      forward: ([x]) => mapValues(x!, (v) => v * v),
      backward: (dy, { inputs: [x] }) => [dy.mul(x!.mul(2).add(bump))],
    });
    const x = f64([
      [0.5, -1, 2],
      [1.5, 0.25, -0.75],
    ]);
    const report = gradcheck((x) => sum(square(x)), [x]);
    expect(report.ok).toBe(false);
    expect(report.worst).toMatchObject({ input: 0, index: [1, 2] });
    expect(report.worst!.numerical).toBeCloseTo(-1.5, 6);
    expect(report.worst!.analytical).toBeCloseTo(-0.5, 12);
    expect(report.worst!.absError).toBeCloseTo(1, 6);
    expect(report.message).toContain('differ in 1 of 6 elements');
    expect(report.message).toContain('input 0 at index [1,2]: numerical -1.5, analytical -0.5');
    expect(report.message).toMatch(/index\s+numerical\s+analytical/);
  });

  it('divides by the step actually taken, which rounds when |x| ≫ eps', () => {
    // at 2³⁰ a float64 step is 2⁻²²: x ± 1e-6 lands 4 steps away (9.54e-7), and dividing by
    // 2·1e-6 would give 0.954 for the derivative 1 of the identity
    const x = tensor([2 ** 30], { dtype: 'float64', requiresGrad: true });
    const report = gradcheck((v) => v.mul(1), [x], { atol: 0, rtol: 1e-12 });
    expect(report.ok).toBe(true);
    expect(report.worst?.numerical).toBe(1);
  });

  it('checks float32 inputs in float64 and leaves them untouched', () => {
    const x = tensor([0.1, 0.7, -1.3], { requiresGrad: true });
    const before = Array.from(x.toTypedArray());
    const report = gradcheck((x) => x.exp().mul(x).sum(), [x], { atol: 1e-8, rtol: 1e-7 });
    // in float32 a step of 1e-6 would leave errors of order 1e-2
    expect(report.ok).toBe(true);
    expect(report.maxAbsError).toBeLessThan(1e-8);
    expect(x.dtype).toBe('float32');
    expect(x.grad).toBeNull();
    expect(Array.from(x.toTypedArray())).toEqual(before);
  });

  it('checks only the inputs that require grad; the others are constants', () => {
    const a = f64([1, 2, 3]);
    const b = f64([0.5, -0.5, 2], false);
    const report = gradcheck((a, b) => mul(a, b).exp(), [a, b]);
    expect(report.ok).toBe(true);
    expect(report.worst!.input).toBe(0);
    expect(report.message).toContain('3 elements checked');
    expect(() => gradcheck((b) => b.exp(), [b])).toThrow(ValueError);
    expect(() => gradcheck((b) => b.exp(), [b])).toThrow(/no input requires grad/);
  });

  it('catches a wrong Jacobian of a non-scalar output through the random projection', () => {
    // softmax with only the diagonal of its Jacobian: right for no output element alone
    const diagonalSoftmax: Op = defineOp({
      name: 'diagonalSoftmax',
      forward: ([x]) => {
        const values = new Tensor(x!).toTypedArray();
        const total = Array.from(values, Math.exp).reduce((s, v) => s + v, 0);
        return ndarray(
          values.map((v) => Math.exp(v) / total),
          x!.shape.slice(),
        );
      },
      backward: (dy, { output: y }) => [dy.mul(y).mul(y.neg().add(1))],
    });
    const x = f64([0.2, -0.4, 1.3, 0.8]);
    expect(gradcheck((x) => diagonalSoftmax(x), [x]).ok).toBe(false);
    expect(gradcheck((x) => x.softmax(0), [x]).ok).toBe(true);
  });

  it('fails on NaN gradients instead of passing them', () => {
    const x = f64([-1, 2]);
    const report = gradcheck((x) => x.sqrt().sum(), [x]);
    expect(report.ok).toBe(false);
    expect(report.worst!.index).toEqual([0]);
    expect(report.maxAbsError).toBe(Number.POSITIVE_INFINITY);
    expect(report.maxRelError).toBe(Number.POSITIVE_INFINITY);
  });

  it('records the analytical pass even when called inside noGrad', () => {
    const x = f64([0.5, -2]);
    expect(noGrad(() => gradcheck((x) => x.tanh().sum(), [x])).ok).toBe(true);
  });

  it('rejects tolerances that cannot work', () => {
    const x = f64([1]);
    expect(() => gradcheck((x) => x.exp(), [x], { eps: 0 })).toThrow(ValueError);
    expect(() => gradcheck((x) => x.exp(), [x], { atol: Number.NaN })).toThrow(/atol/);
  });
});

describe('gradgradcheck', () => {
  it('passes second-order gradients of smooth compositions', () => {
    const a = f64([
      [0.3, -1.2],
      [2, 0.5],
    ]);
    const b = f64([0.7, -0.4]);
    const report = gradgradcheck((a, b) => a.matmul(b).sigmoid().mul(a.sum()), [a, b]);
    expect(report.ok).toBe(true);
    expect(report.message).toMatch(/^gradgradcheck: ok/);
  });

  it('catches a backward rule that is not differentiable in the inputs', () => {
    // cube whose backward detaches x: right first derivative, zero second derivative
    const cube = defineOp({
      name: 'detachedCube',
      forward: ([x]) => mapValues(x!, (v) => v ** 3),
      backward: (dy, { inputs: [x] }) => [dy.mul(x!.detach().pow(2)).mul(3)],
    });
    const x = f64([0.5, -1, 1.5]);
    expect(gradcheck((x) => cube(x), [x]).ok).toBe(true);
    const report = gradgradcheck((x) => cube(x), [x]);
    expect(report.ok).toBe(false);
    expect(report.worst!.input).toBe(0);
    expect(report.message).toMatch(/^gradgradcheck: analytical and numerical gradients differ/);
  });

  it('catches a backward rule that is not differentiable in the upstream gradient', () => {
    // y = 3x, whose gradient ignores that it depends on dy: only the gradOutput check sees it
    const triple = defineOp({
      name: 'detachedTriple',
      forward: ([x]) => mapValues(x!, (v) => 3 * v),
      backward: (dy) => [dy.detach().mul(3)],
    });
    const x = f64([0.5, -1, 1.5]);
    expect(gradcheck((x) => triple(x), [x]).ok).toBe(true);
    const report = gradgradcheck((x) => triple(x), [x]);
    expect(report.ok).toBe(false);
    expect(report.worst!.input).toBe(1);
    expect(report.message).toContain('input gradOutput at index');
  });
});
