// freeWithGraph (autograd/release.ts): an intermediate that only the graph holds is
// recycled once backward has freed the nodes that recorded it, and reading it afterwards
// throws; where a node may still need it, or something else may hold it, nothing changes.
import {
  AutogradError,
  freeWithGraph,
  grad,
  linear,
  linearRelu,
  noGrad,
  Rng,
  randn,
  relu,
  type Tensor,
  ValueError,
} from '@tapegrad/core';
import { traceOps } from '@tapegrad/core/op-kit';
import { describe, expect, it } from 'vitest';
import { allocate, type FloatArray } from '../src/dtype.js';

/** The case study's two layers: x [300, 2] → h [300, 100] (120 kB) → y [300, 3]. */
function layers(seed = 1) {
  const rng = new Rng(seed);
  const x = randn([300, 2], { rng });
  const w1 = randn([100, 2], { rng, requiresGrad: true });
  const b1 = randn([100], { rng, requiresGrad: true });
  const w2 = randn([3, 100], { rng, requiresGrad: true });
  const b2 = randn([3], { rng, requiresGrad: true });
  const forward = (free: boolean) => {
    const h = linearRelu(x, w1, b1);
    const y = linear(h, w2, b2);
    if (free) freeWithGraph(h, y);
    return { h, y };
  };
  return { params: [w1, b1, w2, b2], forward };
}

/** The next 9 buffers of n float32 values: every recycled one (at most 8 wait per size). */
function drain(n: number): FloatArray[] {
  return Array.from({ length: 9 }, () => allocate('float32', n, false));
}

const bits = (t: Tensor | null) => Array.from(t!.data.data as Float32Array);

describe('freeWithGraph', () => {
  it("recycles the tensor's buffer once backward has freed its nodes; reading it then throws", () => {
    drain(30000);
    const { params, forward } = layers();
    const { h, y } = forward(true);
    const buffer = h.data.data;
    y.sum().backward();
    // the next allocations of its size reuse it (backward's own dh is the other one waiting)
    expect(drain(30000)).toContain(buffer);
    expect(h.shape).toEqual([300, 100]);
    expect(() => h.toTypedArray()).toThrow(AutogradError);
    // the graph still names it: reading it through the graph gives the error, not values
    expect(() => y.gradFn!.inputs[0]!.dtype).toThrow(/freed with the graph by backward/);
    expect(() => relu(h)).toThrow(/shape \[300,100\]\) was freed with the graph/);
    // the gradients are those of the same layers with nothing freed
    const plain = layers();
    plain.forward(false).y.sum().backward();
    for (let i = 0; i < params.length; i++)
      expect(bits(params[i]!.grad)).toEqual(bits(plain.params[i]!.grad));
  });

  it('keeps the tensor while a node may still need it: retainGraph, createGraph, a tracer', () => {
    for (const run of [
      (y: Tensor) => y.sum().backward(undefined, { retainGraph: true }),
      (y: Tensor) => y.sum().backward(undefined, { createGraph: true }),
      (y: Tensor) =>
        traceOps(
          () => y.sum().backward(),
          () => {},
        ),
    ]) {
      const { forward } = layers(2);
      const { h, y } = forward(true);
      const values = bits(h);
      run(y);
      expect(bits(h)).toEqual(values);
    }
    // a second pass through a retained graph reads h, then frees it
    const { params, forward } = layers(2);
    const { h, y } = forward(true);
    y.sum().backward(undefined, { retainGraph: true });
    y.sum().backward();
    expect(() => h.toTypedArray()).toThrow(AutogradError);
    const plain = layers(2);
    const py = plain.forward(false).y;
    py.sum().backward(undefined, { retainGraph: true });
    py.sum().backward();
    for (let i = 0; i < params.length; i++) {
      expect(bits(params[i]!.grad)).toEqual(bits(plain.params[i]!.grad));
    }
    // marked under a tracer (which hands every output to its caller): not marked at all
    const traced = layers(3);
    const t = traceOps(
      () => traced.forward(true),
      () => {},
    );
    t.y.sum().backward();
    expect(t.h.data.data.length).toBe(30000);
  });

  it('frees nothing that y was not read from, that nothing recorded, or that is small', () => {
    const { forward } = layers(4);
    const a = forward(false);
    const b = forward(false);
    freeWithGraph(a.h, b.y); // b.y was not computed from a.h
    a.y.sum().backward();
    b.y.sum().backward();
    expect(a.h.data.data.length).toBe(30000);
    // under noGrad nothing is recorded: nothing to free
    const c = noGrad(() => forward(true));
    expect(c.h.data.data.length).toBe(30000);
    // 100 float32 values come from a shared block: not a buffer of their own
    const rng = new Rng(5);
    const w = randn([100, 2], { rng, requiresGrad: true });
    const small = linearRelu(randn([1, 2], { rng }), w, null);
    const out = linear(small, randn([3, 100], { rng }), null);
    freeWithGraph(small, out);
    out.sum().backward();
    expect(small.data.data.length).toBe(100);
  });

  it('frees it after grad() too, and refuses t as its own reader', () => {
    const { params, forward } = layers(6);
    const { h, y } = forward(true);
    const grads = grad(y.sum(), params);
    expect(grads.every((g) => g !== null)).toBe(true);
    expect(() => h.toTypedArray()).toThrow(AutogradError);
    expect(() => freeWithGraph(y, y)).toThrow(ValueError);
    expect(() => freeWithGraph(y, y)).toThrow(/freeWithGraph/);
  });
});
