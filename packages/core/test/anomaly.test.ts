// Anomaly mode: the first op whose forward or backward turns finite values into NaN or Inf
// throws an AnomalyError naming the op (for backward, the forward op the rule belongs to).

import {
  AnomalyError,
  defineOp,
  detectAnomaly,
  div,
  grad,
  isAnomalyEnabled,
  log,
  pow,
  setDetectAnomaly,
  sqrt,
  TapegradError,
  type Tensor,
  tensor,
} from '@tapegrad/core';
import ndarray from 'ndarray';
import { afterEach, describe, expect, it } from 'vitest';

/** The error `fn` throws (failing the test when it throws none). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

function expectAnomaly(fn: () => unknown, op: string, phase: 'forward' | 'backward'): AnomalyError {
  const e = thrown(fn);
  expect(e).toBeInstanceOf(AnomalyError);
  expect(e).toBeInstanceOf(TapegradError);
  const a = e as AnomalyError;
  expect(a.op).toBe(op);
  expect(a.phase).toBe(phase);
  expect(a.message.startsWith(`${op}: `)).toBe(true);
  return a;
}

afterEach(() => setDetectAnomaly(false));

describe('anomaly mode, forward', () => {
  it('blames log of 0 (-Inf)', () => {
    const e = expectAnomaly(() => detectAnomaly(() => log(tensor([1, 0]))), 'log', 'forward');
    expect(e.message).toBe('log: produced a NaN or Inf from finite inputs (output shape [2])');
  });

  it('blames div by 0 (Inf) and 0/0 (NaN)', () => {
    expectAnomaly(() => detectAnomaly(() => div(tensor([1, 2]), tensor([1, 0]))), 'div', 'forward');
    expectAnomaly(() => detectAnomaly(() => div(tensor([0]), 0)), 'div', 'forward');
  });

  it('blames the first op of a chain, not the ones after it', () => {
    const x = tensor([-1, 4], { requiresGrad: true });
    expectAnomaly(() => detectAnomaly(() => x.mul(2).sqrt().exp().sum()), 'sqrt', 'forward');
  });

  it('does not blame an op whose inputs already hold NaN or Inf', () => {
    const y = detectAnomaly(() => tensor([Number.POSITIVE_INFINITY, Number.NaN]).mul(2).add(1));
    expect(y.toArray()).toEqual([Number.POSITIVE_INFINITY, Number.NaN]);
  });

  it('lets finite computations run unchanged', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const loss = detectAnomaly(() => {
      const l = x.log().exp().softmax(0).sum();
      l.backward();
      return l;
    });
    expect(loss.item()).toBeCloseTo(1, 6);
    expect(x.grad!.shape).toEqual([3]);
  });

  it('is off by default: NaN and Inf flow silently', () => {
    expect(isAnomalyEnabled()).toBe(false);
    expect(log(tensor([0])).toArray()).toEqual([Number.NEGATIVE_INFINITY]);
  });

  it('restores the previous mode when detectAnomaly throws', () => {
    expect(() => detectAnomaly(() => log(tensor([0])))).toThrow(AnomalyError);
    expect(isAnomalyEnabled()).toBe(false);
    setDetectAnomaly(true);
    expect(() => detectAnomaly(() => log(tensor([0])))).toThrow(AnomalyError);
    expect(isAnomalyEnabled()).toBe(true);
  });

  it('is switched on and off globally by setDetectAnomaly', () => {
    setDetectAnomaly(true);
    expect(isAnomalyEnabled()).toBe(true);
    expectAnomaly(() => log(tensor([0])), 'log', 'forward');
    setDetectAnomaly(false);
    expect(log(tensor([0])).toArray()).toEqual([Number.NEGATIVE_INFINITY]);
  });
});

describe('anomaly mode, backward', () => {
  it("blames sqrt when its backward at 0 gives Inf (not the div inside sqrt's rule)", () => {
    const x = tensor([0, 1], { requiresGrad: true });
    const e = expectAnomaly(
      () => detectAnomaly(() => sqrt(x).sum().backward()),
      'sqrt',
      'backward',
    );
    expect(e.message).toMatch(
      /^sqrt: backward of 'sqrt' \(op #\d+\) produced a NaN or Inf in the gradient of input 0 \(shape \[2\]\)/,
    );
    expect(x.grad).toBeNull();
  });

  it('blames pow(x, 0.5) at 0', () => {
    const x = tensor([0, 4], { dtype: 'float64', requiresGrad: true });
    expectAnomaly(() => detectAnomaly(() => pow(x, 0.5).sum().backward()), 'pow', 'backward');
  });

  it('blames the op whose rule made the NaN, not the ops upstream of it', () => {
    // y = sqrt(x) · 0: the upstream gradient into sqrt is 0, and 0 / (2·√0) is NaN
    const x = tensor([0], { requiresGrad: true });
    expectAnomaly(
      () => detectAnomaly(() => sqrt(x).mul(0).add(x).sum().backward()),
      'sqrt',
      'backward',
    );
  });

  it('checks a backward run in anomaly mode even if the forward ran outside it', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    const y = sqrt(x).sum();
    expectAnomaly(() => detectAnomaly(() => y.backward()), 'sqrt', 'backward');
  });

  it('names a user-defined op whose backward rule returns NaN', () => {
    const bad = defineOp({
      name: 'badGrad',
      forward: ([a]) => ndarray(a!.data.slice(), a!.shape.slice()),
      backward: (dy: Tensor) => [dy.mul(Number.NaN)],
    });
    const x = tensor([1, 2], { requiresGrad: true });
    expectAnomaly(() => detectAnomaly(() => bad(x).sum().backward()), 'badGrad', 'backward');
    // outside anomaly mode the NaN just flows into .grad
    bad(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([Number.NaN, Number.NaN]);
  });

  it('checks grad() too', () => {
    const x = tensor([0], { requiresGrad: true });
    expectAnomaly(() => detectAnomaly(() => grad(sqrt(x).sum(), [x])), 'sqrt', 'backward');
  });
});
