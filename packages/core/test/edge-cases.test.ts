// Op semantics found wrong in review, each against PyTorch's behaviour: reductions over an
// empty dim, pow's gradient at 0, op outputs and saved indices that must not share storage
// with the caller's, and what a defineOp forward may return.

import {
  argmax,
  concat,
  defineOp,
  gather,
  IndexError,
  max,
  pow,
  ShapeError,
  stack,
  type Tensor,
  tensor,
  ValueError,
  zeros,
} from '@tapegrad/core';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';

const f64 = (data: number[] | number[][], requiresGrad = true): Tensor =>
  tensor(data, { dtype: 'float64', requiresGrad });
const flat = (t: Tensor | null): number[] => Array.from(t!.toTypedArray());

describe('max and argmax over an empty dim', () => {
  // torch.zeros(0, 3).amax(0): "Expected reduction dim 0 to have non-zero size"
  it('is an error (there is no maximum of nothing), naming the op, the dim and the shape', () => {
    expect(() => max(zeros([0, 3]))).toThrow(ShapeError);
    expect(() => max(zeros([0, 3]))).toThrow(
      'max: cannot reduce over dim 0 of size 0 (shape [0,3]); the maximum of no values is undefined',
    );
    expect(() => max(zeros([0, 3]), 0)).toThrow(/max: cannot reduce over dim 0 of size 0/);
    expect(() => argmax(zeros([0]))).toThrow(ShapeError);
    expect(() => argmax(zeros([2, 0]), 1)).toThrow(
      'argmax: cannot reduce over dim 1 of size 0 (shape [2,0]); the maximum of no values is undefined',
    );
  });

  it('gives an empty result when only a kept dim is empty', () => {
    expect(max(zeros([0, 3]), 1).shape).toEqual([0]);
    expect(argmax(zeros([0, 3]), 1).shape).toEqual([0]);
    expect(argmax(zeros([0, 3]), 1, true).shape).toEqual([0, 1]);
  });
});

describe('pow at a zero base', () => {
  // PyTorch's pow_backward: 0 where the exponent is 0 (x⁰ is constant), and for the exponent
  // 0 where x = 0 and y ≥ 0 (0ʸ is constant there), instead of 0·∞ = NaN.
  it('gives the gradients PyTorch gives', () => {
    const x = f64([0, 0, 2, 0]);
    const y = f64([0, 2, 0, 0.5]);
    pow(x, y).sum().backward();
    expect(flat(x.grad)).toEqual([0, 0, 0, Number.POSITIVE_INFINITY]);
    expect(flat(y.grad)).toEqual([0, 0, Math.log(2), 0]);
  });

  it('with a number exponent of 0', () => {
    const x = f64([0, 3]);
    x.pow(0).sum().backward();
    expect(flat(x.grad)).toEqual([0, 0]);
  });
});

describe('relu at special values', () => {
  // PyTorch 2.13: relu([nan, -inf, -1, -0., 0., 2, inf]) is [nan, 0, 0, -0., 0, 2, inf]
  // (a NaN is not hidden), and its gradient there is [1, 0, 0, 0, 0, 1, 1] (threshold_backward:
  // 0 where x ≤ 0, else dy). tapegrad gives +0 for -0 (the max of -0 and +0).
  const special = [Number.NaN, -Infinity, -1, -0, 0, 2, Infinity];
  const want = [Number.NaN, 0, 0, 0, 0, 2, Infinity];
  const wantGrad = [1, 0, 0, 0, 0, 1, 1];
  // 2,100 values: past the size from which the 'wasm' backend's float32 kernel runs them
  const repeat = <T>(xs: readonly T[], n: number): T[] =>
    Array.from({ length: n * xs.length }, (_, i) => xs[i % xs.length]!);

  for (const dtype of ['float32', 'float64'] as const) {
    for (const copies of [1, 300]) {
      it(`${dtype}, ${copies * special.length} values`, () => {
        const x = tensor(repeat(special, copies), { dtype, requiresGrad: true });
        const y = x.relu();
        const got = Array.from(y.toTypedArray());
        got.forEach((v, i) => {
          expect(Object.is(v, want[i % want.length])).toBe(true);
        });
        y.backward(tensor(repeat([1], got.length), { dtype }));
        expect(flat(x.grad)).toEqual(repeat(wantGrad, copies));
      });
    }
  }

  it('passes every dy, ±0, ±∞ and NaN included, exactly where x > 0 or x is NaN', () => {
    const xs = [Number.NaN, -Infinity, -1, -0, 0, 2, Infinity];
    const dys = [Number.NaN, -Infinity, -3, -0, 0, 5e-45, 7, Infinity];
    for (const dtype of ['float32', 'float64'] as const) {
      for (const copies of [1, 40]) {
        // every (x, dy) pair, repeated: 56 values on the js kernel, 2,240 on wasm's too
        const pairs = repeat(
          xs.flatMap((x) => dys.map((dy) => [x, dy] as const)),
          copies,
        );
        const x = tensor(
          pairs.map(([v]) => v),
          { dtype, requiresGrad: true },
        );
        x.relu().backward(
          tensor(
            pairs.map(([, g]) => g),
            { dtype },
          ),
        );
        const got = Array.from(x.grad!.toTypedArray());
        pairs.forEach(([v, g], i) => {
          const want = v > 0 || Number.isNaN(v) ? (dtype === 'float32' ? Math.fround(g) : g) : 0;
          expect(Object.is(got[i], want), `x ${v}, dy ${g}: ${got[i]}`).toBe(true);
        });
      }
    }
  });

  it('keeps large, tiny and strided float64 values exactly', () => {
    const xs = [Number.MAX_VALUE, 1e307, 5e-324, -5e-324, 3e-310, -Number.MAX_VALUE];
    expect(flat(f64(xs).relu())).toEqual([Number.MAX_VALUE, 1e307, 5e-324, 0, 3e-310, 0]);
    // a transposed view takes the strided walk, not the flat loop
    const m = f64([
      [1, -2],
      [Number.NaN, 4],
    ]).T.relu();
    expect(flat(m)).toEqual([1, Number.NaN, 0, 4]);
  });
});

describe('outputs that do not alias their inputs', () => {
  it('concat and stack of a single tensor copy it, like any concat', () => {
    const x = f64([1, 2], false);
    const c = concat([x]);
    const s = stack([x]);
    expect(c).not.toBe(x);
    c.data.data[0] = 10;
    s.data.data[1] = 20;
    expect(flat(x)).toEqual([1, 2]);
    expect(s.shape).toEqual([1, 2]);

    const w = f64([1, 2]);
    concat([w]).mul(3).sum().backward();
    expect(flat(w.grad)).toEqual([3, 3]);
  });

  it("gather keeps its own copy of the caller's index array", () => {
    const x = f64([1, 2, 3]);
    const index = Int32Array.of(2, 0);
    const y = gather(x, 0, index);
    index[0] = 1; // the caller reuses its label buffer before backward
    y.sum().backward();
    expect(flat(x.grad)).toEqual([1, 0, 1]);
  });
});

describe('defineOp forward results', () => {
  const leaf = zeros([3], { requiresGrad: true });
  it('must be an ndarray over a Float32Array or Float64Array: an error names the op', () => {
    const returnsTensor = defineOp({ name: 'returnsTensor', forward: () => leaf as never });
    expect(() => returnsTensor(leaf)).toThrow(ValueError);
    expect(() => returnsTensor(leaf)).toThrow(
      'returnsTensor: forward must return an ndarray over a Float32Array or Float64Array, got a Tensor',
    );
    const ints = defineOp({
      name: 'ints',
      forward: () => ndarray(new Int32Array(3), [3]) as never,
    });
    expect(() => ints(leaf)).toThrow(
      'ints: forward must return an ndarray over a Float32Array or Float64Array, got an ndarray over Int32Array',
    );
    const plain = defineOp({ name: 'plain', forward: () => ndarray([1, 2, 3], [3]) as never });
    expect(() => plain(leaf)).toThrow(/plain: forward must return .*, got an ndarray over Array$/);
    const nothing = defineOp({ name: 'nothing', forward: () => undefined as never });
    expect(() => nothing(leaf)).toThrow(/nothing: forward must return .*, got undefined/);
  });
});

describe('labels beyond 32-bit integers', () => {
  it('are an IndexError, not wrapped to a small label', () => {
    const x = tensor([[1, 2]]);
    expect(() => gather(x, 1, tensor([[2 ** 32]], { dtype: 'float64' }))).toThrow(
      /gather: index 4294967296 at position 0 is out of range \(beyond 32-bit integers\)/,
    );
    expect(() => gather(x, 1, [2 ** 32 + 1] as number[])).toThrow(IndexError);
  });
});
