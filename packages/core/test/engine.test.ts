// The engine: deep graphs, higher-order gradients, accumulation, retainGraph, grad(),
// recording switches, broadcast sum-back and dtype handling.

import {
  AutogradError,
  add,
  backward,
  defineOp,
  enableGrad,
  grad,
  isGradEnabled,
  matmul,
  mul,
  noGrad,
  sum,
  type Tensor,
  tensor,
  zeros,
} from '@tapegrad/core';
import { describe, expect, it } from 'vitest';

const f64 = (data: number[] | number[][], requiresGrad = true): Tensor =>
  tensor(data, { dtype: 'float64', requiresGrad });

/** The values of a tensor as a flat number[] (for toEqual and closeness checks). */
const flat = (t: Tensor | null): number[] => Array.from(t!.toTypedArray());

function expectClose(actual: readonly number[], expected: readonly number[], digits = 10): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(a).toBeCloseTo(expected[i]!, digits);
  });
}

describe('deep graphs', () => {
  it('backpropagates through a chain of 100,000 ops without recursion', () => {
    const n = 100_000;
    const c = 1 + 1e-5;
    const x = tensor(2, { dtype: 'float64', requiresGrad: true });
    let y = x;
    for (let i = 0; i < n; i++) y = y.mul(c);
    y.backward();
    // dy/dx = cⁿ, accumulated one multiplication at a time
    let expected = 1;
    for (let i = 0; i < n; i++) expected *= c;
    expect(x.grad!.item()).toBeCloseTo(expected, 9);
    expect(expected).toBeCloseTo(Math.E, 4);
  });

  it('sums 100,000 uses of one leaf into its gradient', () => {
    const x = f64([1, 2]);
    let y: Tensor = x;
    for (let i = 0; i < 100_000; i++) y = y.add(x);
    y.sum().backward();
    expect(flat(x.grad)).toEqual([100_001, 100_001]);
  });
});

describe('higher-order gradients (createGraph)', () => {
  it('gives the Hessian-vector product of f(x) = Σ xᵢ³ + (Σ xᵢ)²', () => {
    const xs = [1, -2, 0.5, 3];
    const vs = [0.3, 1, -2, 0.25];
    const x = f64(xs);
    const v = f64(vs, false);
    const f = x.pow(3).sum().add(x.sum().pow(2));
    const [g] = grad(f, [x], { createGraph: true });
    // ∇f = 3x² + 2(Σx); H = diag(6x) + 2·11ᵀ, so Hv = 6x⊙v + 2(Σv)
    const s = xs.reduce((a, b) => a + b, 0);
    expectClose(
      flat(g!),
      xs.map((xi) => 3 * xi * xi + 2 * s),
    );
    expect(g!.requiresGrad).toBe(true);
    const [hv] = grad(sum(mul(g!, v)), [x]);
    const sv = vs.reduce((a, b) => a + b, 0);
    expectClose(
      flat(hv!),
      xs.map((xi, i) => 6 * xi * vs[i]! + 2 * sv),
    );
  });

  it('gives the Hessian-vector product of the quadratic form xᵀAx: (A + Aᵀ)v', () => {
    const A = [
      [2, -1, 0],
      [0.5, 3, 1],
      [4, 0, -2],
    ];
    const xs = [0.7, -1.2, 2];
    const vs = [1, 2, -0.5];
    const a = f64(A, false);
    const x = f64(xs);
    const v = f64(vs, false);
    const f = matmul(x, matmul(a, x));
    expect(f.shape).toEqual([]); // vector · vector is a 0-d dot product
    const [g] = grad(f, [x], { createGraph: true });
    const sym = (i: number, j: number): number => A[i]![j]! + A[j]![i]!;
    const times = (w: number[]): number[] =>
      w.map((_, i) => w.reduce((acc, wj, j) => acc + sym(i, j) * wj, 0));
    expectClose(flat(g!), times(xs));
    const [hv] = grad(g!.mul(v).sum(), [x]);
    expectClose(flat(hv!), times(vs));
  });

  it('backward with createGraph leaves a differentiable .grad', () => {
    const x = f64([2]);
    x.pow(3).sum().backward(undefined, { createGraph: true });
    expect(x.grad!.requiresGrad).toBe(true);
    const dx = x.grad!;
    x.grad = null;
    dx.sum().backward(); // d(3x²)/dx = 6x
    expect(flat(x.grad)).toEqual([12]);
  });

  it('records nothing for a plain backward', () => {
    const x = f64([1, 2]);
    x.mul(x).sum().backward();
    expect(x.grad!.requiresGrad).toBe(false);
    expect(x.grad!.gradFn).toBeNull();
  });
});

describe('accumulation and retainGraph', () => {
  it('accumulates gradients over two backward calls', () => {
    const x = f64([1, 2, 3]);
    x.mul(x).sum().backward();
    expect(flat(x.grad)).toEqual([2, 4, 6]);
    x.mul(3).sum().backward();
    expect(flat(x.grad)).toEqual([5, 7, 9]);
  });

  it('allows a second backward through the same graph with retainGraph', () => {
    const x = f64([1, 2]);
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(flat(x.grad)).toEqual([4, 8]);
  });

  it('throws an AutogradError that says so on a second backward without retainGraph', () => {
    const x = f64([1, 2]);
    const y = x.mul(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/second time.*retainGraph: true/);
    // the first backward's gradient is still there, unchanged
    expect(flat(x.grad)).toEqual([2, 4]);
  });

  it('frees the graph after the last backward of a retained one', () => {
    const x = f64([1]);
    const y = x.exp().sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(() => y.backward()).toThrow(AutogradError);
  });

  it('forgets the gradients that waited for a rule that threw: a retried backward is not off', () => {
    let fail = true;
    const flaky = defineOp<[x: Tensor]>({
      name: 'flaky',
      forward: ([x]) => x,
      backward: (dy) => {
        if (fail) throw new Error('flaky backward');
        return [dy];
      },
    });
    const x = f64([1, 2]);
    const u = x.mul(3); // gets a gradient from the add, then waits behind flaky (made later)
    const y = add(flaky(u), u).sum();
    expect(() => y.backward(undefined, { retainGraph: true })).toThrow('flaky backward');
    expect(x.grad).toBeNull();
    fail = false;
    y.backward();
    expect(flat(x.grad)).toEqual([6, 6]); // d/dx (3x + 3x); a left-over gradient at u gave 9
  });

  it('runs a backward pass inside a rule, through nodes the outer pass is waiting on', () => {
    // a rule that differentiates a graph of its own, built on u, whose node has a gradient
    // waiting in the outer pass: the inner pass keeps its gradients apart
    const x = f64([1, 2]);
    const u = x.mul(2);
    const inner = defineOp<[v: Tensor]>({
      name: 'inner',
      forward: ([v]) => v,
      backward: (dy, { inputs: [v] }) => {
        const [du] = enableGrad(() => grad(u.mul(u).sum(), [u], { retainGraph: true })); // 2u
        return [dy.mul(du!).add(v.mul(0))];
      },
    });
    const y = add(inner(u), u.mul(5)).sum();
    y.backward();
    // dy/du = 2u + 5, du/dx = 2: 2(4x + 5)
    expect(flat(x.grad)).toEqual([18, 26]);
  });

  it('throws when a new output reuses a subgraph freed by an earlier backward', () => {
    const x = f64([1, 2]);
    const h = x.mul(2);
    h.sum().backward();
    expect(() => h.mul(3).sum().backward()).toThrow(/'mul' was already freed/);
  });

  it("never writes into the caller's gradOutput or into a .grad that is part of a graph", () => {
    const x = f64([1, 2]);
    const seed = f64([1, 1], false);
    x.add(1).backward(seed, { createGraph: true });
    expect(x.grad).not.toBe(seed);
    x.mul(3).sum().backward();
    expect(flat(seed)).toEqual([1, 1]);
    expect(flat(x.grad)).toEqual([4, 4]);

    const w = f64([1, 2]);
    w.pow(2).sum().backward(undefined, { createGraph: true });
    const g1 = w.grad!;
    expect(g1.requiresGrad).toBe(true);
    w.sum().backward();
    expect(flat(g1)).toEqual([2, 4]); // the graph-connected gradient is left as it was
    expect(flat(w.grad)).toEqual([3, 5]);
  });

  it('gives each leaf its own .grad under createGraph, never a tensor of the graph or the seed', () => {
    // add's rule returns dy for both inputs, and dy (from pow) is part of the graph here
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    a.add(b).pow(2).sum().backward(undefined, { createGraph: true });
    expect(a.grad).not.toBe(b.grad);
    expect(a.grad!.data.data).not.toBe(b.grad!.data.data);
    expect(a.grad!.requiresGrad).toBe(true); // still differentiable
    a.grad!.data.data.fill(0); // e.g. gradient clipping writes in place
    expect(flat(b.grad)).toEqual([8, 12]);

    const x = f64([1, 2]);
    const v = f64([1, 1]); // a gradOutput that requires grad (double backward)
    x.add(0).backward(v, { createGraph: true });
    expect(x.grad).not.toBe(v);
    x.grad!.data.data.fill(5);
    expect(flat(v)).toEqual([1, 1]);
  });

  it('seeds a leaf output with ones', () => {
    const x = tensor(3, { requiresGrad: true });
    x.backward();
    expect(x.grad!.item()).toBe(1);
  });

  it('takes gradOutput for a non-scalar output', () => {
    const x = f64([1, 2, 3]);
    x.mul(x).backward(f64([1, 0, -1], false));
    expect(flat(x.grad)).toEqual([2, 0, -6]);
    const y = f64([1, 2]);
    backward(y.mul(2), f64([3, 4], false));
    expect(flat(y.grad)).toEqual([6, 8]);
  });
});

describe('grad()', () => {
  it('returns gradients and leaves .grad untouched', () => {
    const x = f64([1, 2]);
    const w = f64([3, 4]);
    const [gx, gw] = grad(x.mul(w).sum(), [x, w]);
    expect(flat(gx!)).toEqual([3, 4]);
    expect(flat(gw!)).toEqual([1, 2]);
    expect(x.grad).toBeNull();
    expect(w.grad).toBeNull();
  });

  it('does not touch .grad of leaves it was not asked about', () => {
    const x = f64([1, 2]);
    const w = f64([3, 4]);
    const [gx] = grad(x.mul(w).sum(), [x]);
    expect(flat(gx!)).toEqual([3, 4]);
    expect(w.grad).toBeNull();
  });

  it('supports non-leaf inputs', () => {
    const x = f64([1, 2]);
    const h = x.mul(3); // non-leaf
    const y = h.mul(h).sum();
    const [gh, gx] = grad(y, [h, x]);
    expect(flat(gh!)).toEqual([6, 12]); // 2h
    expect(flat(gx!)).toEqual([18, 36]); // 2h · 3
  });

  it('returns the seed for the output itself', () => {
    const x = f64([1, 2]);
    const y = x.mul(2).sum();
    const [gy] = grad(y, [y]);
    expect(gy!.item()).toBe(1);
  });

  it('gives null for an unused input with allowUnused, and throws without it', () => {
    const x = f64([1, 2]);
    const unused = f64([5]);
    const [gx, gu] = grad(x.sum(), [x, unused], { allowUnused: true });
    expect(flat(gx!)).toEqual([1, 1]);
    expect(gu).toBeNull();
    expect(() => grad(x.sum(), [x, unused])).toThrow(AutogradError);
    expect(() => grad(x.sum(), [x, unused])).toThrow(
      'grad: input 1 (shape [1]) was not used to compute the output; pass { allowUnused: true } to get null for it',
    );
  });

  it('takes gradOutput and retainGraph', () => {
    const x = f64([1, 2]);
    const y = x.mul(x);
    const [g1] = grad(y, [x], { gradOutput: f64([1, 10], false), retainGraph: true });
    expect(flat(g1!)).toEqual([2, 40]);
    const [g2] = grad(y, [x], { gradOutput: f64([1, 1], false) });
    expect(flat(g2!)).toEqual([2, 4]);
    expect(() => grad(y, [x], { gradOutput: f64([1, 1], false) })).toThrow(AutogradError);
  });
});

describe('recording', () => {
  it('propagates requiresGrad from any input to the output', () => {
    const a = f64([1, 2]);
    const b = f64([3, 4], false);
    expect(a.add(b).requiresGrad).toBe(true);
    expect(b.add(a).requiresGrad).toBe(true);
    expect(b.add(b).requiresGrad).toBe(false);
    expect(b.add(b).gradFn).toBeNull();
    expect(a.add(1).gradFn!.op).toBe('add');
  });

  it('records nothing inside noGrad, and enableGrad turns it back on', () => {
    const a = f64([1, 2]);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const inner = enableGrad(() => a.mul(2));
      expect(inner.requiresGrad).toBe(true);
      return a.mul(2).exp();
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(y.isLeaf).toBe(true);
    expect(() => y.sum().backward()).toThrow(AutogradError);
  });

  it('restores grad mode when the noGrad body throws', () => {
    expect(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });

  it('tells leaves from op outputs with isLeaf', () => {
    const a = f64([1, 2]);
    const c = tensor([1, 2]);
    expect(a.isLeaf).toBe(true);
    expect(c.isLeaf).toBe(true);
    expect(a.mul(2).isLeaf).toBe(false);
    expect(c.mul(2).isLeaf).toBe(true); // nothing recorded: no input requires grad
    expect(a.detach().isLeaf).toBe(true);
  });

  it('gives gradients only to leaves, not to intermediate tensors', () => {
    const a = f64([1, 2]);
    const h = a.mul(2);
    h.sum().backward();
    expect(h.grad).toBeNull();
    expect(flat(a.grad)).toEqual([2, 2]);
  });

  it('cuts the graph with detach, sharing storage', () => {
    const x = f64([1, 2]);
    const d = x.mul(3).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.gradFn).toBeNull();
    // y = x · stopgrad(3x): dy/dx = 3x, not 6x
    x.mul(d).sum().backward();
    expect(flat(x.grad)).toEqual([3, 6]);
    const xd = x.detach();
    expect(xd.data.data).toBe(x.data.data);
  });

  it('turns requiresGrad on for a leaf with requiresGrad_, and refuses to turn it off on a non-leaf', () => {
    const x = tensor([1, 2]).requiresGrad_();
    expect(x.requiresGrad).toBe(true);
    x.sum().backward();
    expect(flat(x.grad)).toEqual([1, 1]);
    expect(() => x.mul(2).requiresGrad_(false)).toThrow(/detach/);
  });
});

describe('graph shapes', () => {
  it('sums the gradients of a shared subexpression (diamond graph)', () => {
    const x = f64([1, 2, 3]);
    const h = x.mul(x); // shared
    const y = h.mul(2).add(h.exp()).sum();
    y.backward();
    // dy/dx = (2 + e^{x²}) · 2x
    expectClose(
      flat(x.grad),
      [1, 2, 3].map((v) => (2 + Math.exp(v * v)) * 2 * v),
    );
  });

  it('sums the gradients of an input used twice by one op', () => {
    const x = f64([3]);
    x.mul(x).sum().backward();
    expect(flat(x.grad)).toEqual([6]);
  });

  it('sums broadcast gradients back to each input shape: [3,1] + [4]', () => {
    const a = f64([[1], [2], [3]]);
    const b = f64([10, 20, 30, 40]);
    const y = add(a, b);
    expect(y.shape).toEqual([3, 4]);
    y.mul(y).sum().backward();
    expect(a.grad!.shape).toEqual([3, 1]);
    expect(b.grad!.shape).toEqual([4]);
    // d/da Σ (a + b)² = 2 Σ_j (a + b_j); d/db = 2 Σ_i (a_i + b)
    expect(a.grad!.toArray()).toEqual([[2 * (4 + 100)], [2 * (8 + 100)], [2 * (12 + 100)]]);
    expect(b.grad!.toArray()).toEqual([10, 20, 30, 40].map((bj) => 2 * (6 + 3 * bj)));
  });

  it('sums broadcast gradients over leading dims and size-1 dims together', () => {
    const a = f64([[1, 2, 3]]); // [1,3]
    const s = tensor(2, { dtype: 'float64', requiresGrad: true }); // []
    const big = zeros([2, 4, 3], { dtype: 'float64' });
    big.add(a).mul(s).sum().backward();
    expect(a.grad!.shape).toEqual([1, 3]);
    expect(flat(a.grad)).toEqual([16, 16, 16]);
    expect(s.grad!.shape).toEqual([]);
    expect(s.grad!.item()).toBe(8 * 6);
  });
});

describe('dtypes', () => {
  it('promotes mixed float32/float64 inputs to float64, with grads in each input dtype', () => {
    const a = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const b = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    const y = a.mul(b);
    expect(y.dtype).toBe('float64');
    y.sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(b.grad!.dtype).toBe('float64');
    expect(flat(a.grad)).toEqual([3, 4]);
    expect(flat(b.grad)).toEqual([1, 2]);
  });

  it('keeps float32 for float32 inputs and numbers', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const y = a.mul(2.5).add(1);
    expect(y.dtype).toBe('float32');
    y.sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(flat(a.grad)).toEqual([2.5, 2.5]);
  });

  it('gives a gradient in its tensor dtype when the seed has another one, at the root too', () => {
    const seed = tensor([1, 2], { dtype: 'float64' });
    const x = tensor([1, 2], { requiresGrad: true });
    x.backward(seed); // the output is the leaf itself
    expect(x.grad!.dtype).toBe('float32');
    const y = x.mul(2);
    const [gy, gx] = grad(y, [y, x], { gradOutput: seed });
    expect(gy!.dtype).toBe('float32');
    expect(gx!.dtype).toBe('float32');
    expect(flat(gx!)).toEqual([2, 4]);
  });

  it('casts a float64 seed to float32 leaves', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    a.mul(2).backward(tensor([1, 1], { dtype: 'float64' }));
    expect(a.grad!.dtype).toBe('float32');
    expect(flat(a.grad)).toEqual([2, 2]);
  });
});
