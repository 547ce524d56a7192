// Losses: hand-computed values (the notes' own examples where they give one), gradients and
// second-order gradients against central differences, logits of size 1e4, argument errors.
import {
  AutogradError,
  gradcheck,
  gradgradcheck,
  IndexError,
  noGrad,
  Rng,
  randn,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@tapegrad/core';
import { type TracedOp, traceOps } from '@tapegrad/core/op-kit';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropyWithLogits,
  hingeLoss,
  mseLoss,
  multiclassHingeLoss,
  softmaxCrossEntropy,
} from '../src/index.js';
import { expectGradcheck, expectValues } from './helpers.js';

const dtype = 'float64';
const t64 = (v: number[] | number[][]): Tensor => tensor(v, { dtype });
const leaf = (v: number[] | number[][]): Tensor => tensor(v, { dtype, requiresGrad: true });
const logSumExp = (row: number[]): number => {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
};

describe('softmaxCrossEntropy', () => {
  it("matches the notes' example and a hand computation", () => {
    // linear-classify notes: scores [-2.85, 0.86, 0.28] with class 2 give 1.04
    expect(softmaxCrossEntropy(t64([[-2.85, 0.86, 0.28]]), [2]).item()).toBeCloseTo(1.0402, 4);
    const rows = [
      [2, 1, 0.1],
      [0.5, -1, 3],
    ];
    const expected = (logSumExp(rows[0]!) - 2 + logSumExp(rows[1]!) - 3) / 2;
    expect(softmaxCrossEntropy(t64(rows), [0, 2]).item()).toBeCloseTo(expected, 12);
    expect(softmaxCrossEntropy(tensor(rows), [0, 2]).dtype).toBe('float32');
  });

  it('takes labels as Int32Array, number[] or a tensor; has sum and none reductions', () => {
    const z = randn([4, 5], { rng: new Rng(1), dtype });
    const a = softmaxCrossEntropy(z, [1, 0, 4, 2]).item();
    expect(softmaxCrossEntropy(z, Int32Array.from([1, 0, 4, 2])).item()).toBe(a);
    expect(softmaxCrossEntropy(z, tensor([1, 0, 4, 2])).item()).toBe(a);
    expect(softmaxCrossEntropy(z, tensor([[1], [0], [4], [2]])).item()).toBe(a);
    expect(softmaxCrossEntropy(z, [1, 0, 4, 2], { reduction: 'sum' }).item()).toBeCloseTo(
      4 * a,
      12,
    );
    const each = softmaxCrossEntropy(z, [1, 0, 4, 2], { reduction: 'none' });
    expect(each.shape).toEqual([4]);
    // the same as the composition -logSoftmax(z)[y]
    const composed = z
      .logSoftmax(1)
      .gather(1, tensor([[1], [0], [4], [2]]))
      .neg()
      .reshape([4]);
    expectValues(each, Array.from(composed.toTypedArray()), 1e-12);
  });

  it('rounds a float32 gradient once, from its float64 value (softmax(z) - onehot(y)) / n', () => {
    const n = 7;
    const c = 5;
    const z = randn([n, c], { rng: new Rng(4), requiresGrad: true });
    const labels = [0, 4, 2, 2, 1, 3, 0];
    softmaxCrossEntropy(z, labels).backward();
    const values = z.toTypedArray();
    const si = Math.fround(1 / n); // the mean's scale, dy / n, is a float32 tensor
    const want: number[] = [];
    for (let i = 0; i < n; i++) {
      const row = Array.from(values.subarray(i * c, (i + 1) * c));
      const m = Math.max(...row);
      const s = row.reduce((t, v) => t + Math.exp(v - m), 0);
      row.forEach((v, j) => {
        const g = (Math.exp(v - m) / s) * si;
        want.push(Math.fround(j === labels[i] ? g - si : g));
      });
    }
    expect(Array.from(z.grad!.toTypedArray())).toEqual(want);
  });

  it('keeps softmax(z) only for a recorded loss, and its backward still checks the logits', () => {
    const seen: TracedOp[] = [];
    const record = (op: TracedOp) => seen.push(op);
    const attrsOf = (name: string) =>
      seen.filter((o) => o.def.name === name).map((o) => o.attrs as Record<string, unknown>);
    const z = randn([4, 3], { rng: new Rng(3), requiresGrad: true });
    traceOps(() => softmaxCrossEntropy(z, [0, 1, 2, 0]).backward(), record);
    expect(attrsOf('softmaxCrossEntropyBackward')[0]!.probs).toBeInstanceOf(Float64Array);
    seen.length = 0;
    traceOps(() => noGrad(() => softmaxCrossEntropy(z, [0, 1, 2, 0])), record);
    traceOps(() => softmaxCrossEntropy(z.detach(), [0, 1, 2, 0]), record);
    expect(attrsOf('softmaxCrossEntropy').map((a) => a.kept)).toEqual([null, null]);
    // logits changed in place after the forward: backward refuses, as without the kept softmax
    const w = randn([4, 3], { rng: new Rng(3), requiresGrad: true });
    const logits = w.mul(1);
    const loss = softmaxCrossEntropy(logits, [0, 1, 2, 0]);
    noGrad(() => logits.mul_(2));
    expect(() => loss.backward()).toThrow(AutogradError);
  });

  it('is finite and exact for logits of size 1e4', () => {
    const z = t64([
      [1e4, 0, -1e4],
      [1e4, 0, -1e4],
      [1e4, 0, -1e4],
      [1e4, 1e4, -1e4],
    ]);
    expectValues(softmaxCrossEntropy(z, [0, 1, 2, 0], { reduction: 'none' }), [
      0,
      1e4,
      2e4,
      Math.LN2,
    ]);
    const x = leaf([
      [1e4, 0, -1e4],
      [-1e4, 1e4, 0],
    ]);
    softmaxCrossEntropy(x, [1, 1]).backward();
    expectValues(x.grad!, [0.5, -0.5, 0, 0, 0, 0]);
    expectGradcheck(gradcheck((x) => softmaxCrossEntropy(x!, [1, 2]), [x]));
  });

  it('gradients and second-order gradients match central differences', () => {
    const x = randn([4, 3], { rng: new Rng(2), dtype, requiresGrad: true });
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      expectGradcheck(gradcheck((x) => softmaxCrossEntropy(x!, [0, 2, 1, 2], { reduction }), [x]));
    }
    expectGradcheck(gradgradcheck((x) => softmaxCrossEntropy(x!, [0, 2, 1, 2]), [x]));
  });

  it('keeps its own copy of Int32Array labels: refilling the buffer before backward changes nothing', () => {
    // a training loop that reuses one label buffer per micro-batch and backpropagates once
    for (const loss of [softmaxCrossEntropy, multiclassHingeLoss]) {
      const z = leaf([
        [1, 2, 3],
        [3, 2, 1],
      ]);
      const expected = leaf([
        [1, 2, 3],
        [3, 2, 1],
      ]);
      const labels = Int32Array.of(0, 0);
      const l = loss(z, labels);
      loss(expected, Int32Array.of(0, 0)).backward();
      labels.set([2, 2]);
      l.backward();
      expect(z.grad!.toArray(), loss.name).toEqual(expected.grad!.toArray());
    }
  });

  it('names the loss, the label and the classes for a bad label; the shapes for a bad shape', () => {
    const z = randn([3, 3]);
    expect(() => softmaxCrossEntropy(z, [0, 3, 1])).toThrow(IndexError);
    expect(() => softmaxCrossEntropy(z, [0, 3, 1])).toThrow(
      'softmaxCrossEntropy: label 3 at position 1 is out of range for 3 classes (expected 0 ≤ label < 3)',
    );
    expect(() => softmaxCrossEntropy(z, [0, -1, 1])).toThrow(IndexError);
    expect(() => softmaxCrossEntropy(z, [0, 1])).toThrow(ShapeError);
    expect(() => softmaxCrossEntropy(z, [0, 1])).toThrow(
      'softmaxCrossEntropy: labels of shape [2] do not match logits of shape [3,3] (expected 3 labels)',
    );
    expect(() => softmaxCrossEntropy(randn([3]), [0])).toThrow(
      'softmaxCrossEntropy: expected logits of shape [batch, classes], got [3]',
    );
    expect(() => softmaxCrossEntropy(z, [0, 1.5, 1])).toThrow(ValueError);
    expect(() => softmaxCrossEntropy(z, [0, 1, 1], { reduction: 'avg' as 'mean' })).toThrow(
      ValueError,
    );
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  it('matches a hand computation of -[t log σ(z) + (1 - t) log(1 - σ(z))]', () => {
    const sig = (v: number): number => 1 / (1 + Math.exp(-v));
    const z = [0, 2, -1.5, 0.3];
    const t = [1, 0, 0, 1];
    const expected =
      z.reduce(
        (s, v, i) => s - (t[i]! * Math.log(sig(v)) + (1 - t[i]!) * Math.log(1 - sig(v))),
        0,
      ) / z.length;
    expect(binaryCrossEntropyWithLogits(t64(z), t).item()).toBeCloseTo(expected, 12);
    expect(binaryCrossEntropyWithLogits(t64([0, 2]), [1, 0]).item()).toBeCloseTo(
      (Math.LN2 + Math.log(1 + Math.exp(2))) / 2,
      12,
    );
  });

  it('accepts [N] targets for [N, 1] logits, soft targets, and tensors', () => {
    const z = t64([[0.5], [-1]]);
    const a = binaryCrossEntropyWithLogits(z, [1, 0]).item();
    expect(binaryCrossEntropyWithLogits(z, tensor([[1], [0]])).item()).toBe(a);
    expect(binaryCrossEntropyWithLogits(z, Float32Array.of(1, 0)).item()).toBe(a);
    expect(binaryCrossEntropyWithLogits(z, [0.5, 0.5]).item()).toBeGreaterThan(0);
    expect(binaryCrossEntropyWithLogits(z, [1, 0], { reduction: 'none' }).shape).toEqual([2, 1]);
    expect(() => binaryCrossEntropyWithLogits(z, [1, 0, 1])).toThrow(ShapeError);
    expect(() => binaryCrossEntropyWithLogits(z, [1, 0, 1])).toThrow(
      'binaryCrossEntropyWithLogits: targets of shape [3] do not match the input of shape [2,1]',
    );
    expect(() => binaryCrossEntropyWithLogits(z, [1, 2])).toThrow(
      'binaryCrossEntropyWithLogits: targets must be in [0, 1], got 2 at position 1',
    );
  });

  it('is finite and exact for logits of size 1e4', () => {
    const z = leaf([1e4, -1e4, 1e4, -1e4]);
    const loss = binaryCrossEntropyWithLogits(z, [1, 0, 0, 1], { reduction: 'none' });
    expectValues(loss, [0, 0, 1e4, 1e4]);
    binaryCrossEntropyWithLogits(z, [1, 0, 0, 1]).backward();
    expectValues(z.grad!, [0, 0, 0.25, -0.25]);
    expectGradcheck(gradcheck((z) => binaryCrossEntropyWithLogits(z!, [1, 0, 0, 1]), [z]));
  });

  it('gradients (logits and targets) and second-order gradients match central differences', () => {
    const z = randn([5, 1], { rng: new Rng(3), dtype, requiresGrad: true });
    const t = tensor([[0.2], [1], [0], [0.7], [1]], { dtype, requiresGrad: true });
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      expectGradcheck(
        gradcheck((z, t) => binaryCrossEntropyWithLogits(z!, t!, { reduction }), [z, t]),
      );
    }
    expectGradcheck(gradgradcheck((z, t) => binaryCrossEntropyWithLogits(z!, t!), [z, t]));
  });
});

describe('hingeLoss (binary SVM)', () => {
  it('is max(0, 1 - t·s) averaged', () => {
    expect(hingeLoss(t64([2, 0.5, -1]), [1, 1, 1]).item()).toBeCloseTo((0 + 0.5 + 2) / 3, 12);
    expectValues(
      hingeLoss(t64([2, 0.5, -1, -3]), [-1, 1, -1, 1], { reduction: 'none' }),
      [3, 0.5, 0, 4],
    );
    expect(hingeLoss(t64([1e4, -1e4]), [1, 1]).item()).toBe(0.5 * (0 + 1 + 1e4));
  });

  it('rejects 0/1 targets with a hint', () => {
    expect(() => hingeLoss(t64([1, 2]), [0, 1])).toThrow(
      'hingeLoss: targets must be -1 or 1 (for 0/1 labels y, pass 2y - 1), got 0 at position 0',
    );
  });

  it('gradients match central differences (away from the hinge)', () => {
    const s = leaf([2, 0.5, -1.5, -3, 0.2, 1e4]);
    const t = tensor([-1, 1, -1, 1, 1, -1], { dtype, requiresGrad: true });
    expectGradcheck(gradcheck((s, t) => hingeLoss(s!, t!), [s, t]));
    expectGradcheck(gradgradcheck((s, t) => hingeLoss(s!, t!), [s, t]));
  });
});

describe('multiclassHingeLoss (the cs231n SVM)', () => {
  it("matches the notes' examples", () => {
    // scores [13, -7, 11] for the true class 0 with Δ = 10: max(0, -20 + 10) + max(0, -2 + 10) = 8
    expect(multiclassHingeLoss(t64([[13, -7, 11]]), [0], 10).item()).toBe(8);
    // the cat / car / frog example with Δ = 1: losses 2.9, 0 and 12.9, mean 5.27
    const scores = t64([
      [3.2, 5.1, -1.7],
      [1.3, 4.9, 2.0],
      [2.2, 2.5, -3.1],
    ]);
    expectValues(
      multiclassHingeLoss(scores, [0, 1, 2], 1, { reduction: 'none' }),
      [2.9, 0, 12.9],
      1e-12,
    );
    expect(multiclassHingeLoss(scores, [0, 1, 2]).item()).toBeCloseTo(5.266666666666667, 12);
  });

  it('gradients match central differences, with logits of size 1e4', () => {
    const s = randn([4, 5], { rng: new Rng(4), dtype, requiresGrad: true });
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      expectGradcheck(
        gradcheck((s) => multiclassHingeLoss(s!, [1, 0, 4, 2], 1, { reduction }), [s]),
      );
    }
    expectGradcheck(gradgradcheck((s) => multiclassHingeLoss(s!, [1, 0, 4, 2]), [s]));
    const big = leaf([
      [1e4, 0, -1e4],
      [0.5, 1e4, 0],
    ]);
    expect(multiclassHingeLoss(big, [1, 0], 1, { reduction: 'none' }).toArray()).toEqual([
      10001, 10001,
    ]);
    expectGradcheck(gradcheck((s) => multiclassHingeLoss(s!, [1, 0]), [big]));
  });

  it('checks labels and margin', () => {
    expect(() => multiclassHingeLoss(randn([2, 3]), [0, 3])).toThrow(
      'multiclassHingeLoss: label 3 at position 1 is out of range for 3 classes (expected 0 ≤ label < 3)',
    );
    expect(() => multiclassHingeLoss(randn([2, 3]), [0, 1, 2])).toThrow(ShapeError);
    expect(() => multiclassHingeLoss(randn([2, 3]), [0, 1], Number.NaN)).toThrow(ValueError);
  });
});

describe('mseLoss', () => {
  it('is the mean of (p - t)²', () => {
    expect(mseLoss(t64([1, 2]), [0, 4]).item()).toBe(2.5);
    expect(mseLoss(t64([[1], [2]]), [0, 4], { reduction: 'sum' }).item()).toBe(5);
    expect(mseLoss(t64([1e4, -1e4]), [0, 0]).item()).toBe(1e8);
    expect(() => mseLoss(t64([1, 2]), [1, 2, 3])).toThrow(
      'mseLoss: target of shape [3] do not match the input of shape [2]',
    );
  });

  it('gradients (prediction and target) match central differences', () => {
    const p = randn([3, 2], { rng: new Rng(5), dtype, requiresGrad: true });
    const t = randn([3, 2], { rng: new Rng(6), dtype, requiresGrad: true });
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      expectGradcheck(gradcheck((p, t) => mseLoss(p!, t!, { reduction }), [p, t]));
    }
    expectGradcheck(gradgradcheck((p, t) => mseLoss(p!, t!), [p, t]));
  });
});
