// Recycling changes no gradient: random graphs over tensors large enough to be recycled
// (24×32 float32, 3 kB) are differentiated with recycling off, then several times with it on
// while every gradient of every pass is kept; at the end each kept gradient must still equal
// the reference bit for bit. A buffer recycled while something still held it would show up
// as a changed value, since later passes write into the buffers they are given.
import {
  add,
  grad,
  linear,
  logSoftmax,
  matmul,
  maximum,
  mul,
  Rng,
  randn,
  relu,
  sigmoid,
  softmax,
  sub,
  sum,
  type Tensor,
  tanh,
} from '@tapegrad/core';
import { scaledRuns } from '@tapegrad/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setGradientRecycling } from '../src/autograd/engine.js';

const R = 24;
const C = 32;

/** The leaves of one pass: a [R, C] input, [C, C] weights and a [C] bias. */
interface Leaves {
  x: Tensor;
  w: Tensor;
  b: Tensor;
}

type Unary = (t: Tensor, l: Leaves) => Tensor;
type Binary = (s: Tensor, t: Tensor) => Tensor;

const UNARY: readonly Unary[] = [
  (t) => relu(t),
  (t) => tanh(t),
  (t) => sigmoid(t),
  (t) => t.mul(0.1).exp(),
  (t) => t.abs(),
  (t) => t.clone(),
  (t) => softmax(t, 1),
  (t) => logSoftmax(t, 1),
  (t, l) => t.add(l.b), // a broadcast bias: summed back
  (t, l) => matmul(t, l.w),
  (t, l) => linear(t, l.w, l.b),
  (t) => t.T.mul(2).T, // views
  (t) => t.reshape([C, R]).mul(0.5).reshape([R, C]),
  (t) => mul(t, sum(t, 0, true)), // a reduction broadcast back
];

const BINARY: readonly Binary[] = [
  (s, t) => add(s, t),
  (s, t) => mul(s, t),
  (s, t) => sub(s, t),
  (s, t) => maximum(s, t),
];

interface Step {
  /** An index into UNARY or BINARY. */
  readonly op: number;
  readonly binary: boolean;
  /** Which earlier nodes feed it (taken modulo the number of nodes). */
  readonly a: number;
  readonly b: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  op: fc.nat({ max: 1000 }),
  binary: fc.boolean(),
  a: fc.nat({ max: 1000 }),
  b: fc.nat({ max: 1000 }),
});

function leaves(seed: number): Leaves {
  const rng = new Rng(seed);
  const leaf = (shape: number[], scale: number) =>
    randn(shape, { rng }).mul(scale).detach().requiresGrad_();
  return { x: leaf([R, C], 1), w: leaf([C, C], 0.2), b: leaf([C], 1) };
}

/** Builds the graph; returns the loss (a weighted sum of every node) and a middle node. */
function build(steps: readonly Step[], l: Leaves): { loss: Tensor; middle: Tensor } {
  const nodes: Tensor[] = [l.x];
  for (const s of steps) {
    const a = nodes[s.a % nodes.length]!;
    const b = nodes[s.b % nodes.length]!;
    nodes.push(s.binary ? BINARY[s.op % BINARY.length]!(a, b) : UNARY[s.op % UNARY.length]!(a, l));
  }
  // every node reaches the loss, so gradients meet and add up where nodes feed several
  let loss = sum(nodes[0]!).mul(0);
  nodes.forEach((n, i) => {
    loss = loss.add(sum(n).mul(1 / (i + 2)));
  });
  return { loss, middle: nodes[Math.floor(nodes.length / 2)]! };
}

/** The gradients of one pass: the leaves' (backward twice, accumulating) and grad()'s. */
function pass(steps: readonly Step[], seed: number): Tensor[] {
  const l = leaves(seed);
  const { loss, middle } = build(steps, l);
  const kept: Tensor[] = [];
  if (middle.requiresGrad && middle !== l.x) {
    const [gMiddle, gX] = grad(loss, [middle, l.x], { retainGraph: true });
    kept.push(gMiddle!, gX!);
  }
  loss.backward(undefined, { retainGraph: true });
  loss.backward();
  kept.push(l.x.grad!, l.w.grad ?? l.x.grad!, l.b.grad ?? l.x.grad!);
  return kept;
}

describe('recycling gradients', () => {
  it('leaves every gradient of every pass as it would be without it', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 8 }), fc.nat(), (steps, seed) => {
        const previous = setGradientRecycling(false);
        let want: Float32Array[];
        try {
          want = pass(steps, seed).map((g) => g.toTypedArray() as Float32Array);
        } finally {
          setGradientRecycling(previous);
        }
        const passes = [pass(steps, seed), pass(steps, seed), pass(steps, seed)];
        for (const got of passes) {
          expect(got.length).toBe(want.length);
          got.forEach((g, i) => {
            const v = g.toTypedArray();
            const w = want[i]!;
            let same = v.length === w.length;
            for (let k = 0; same && k < v.length; k++) same = Object.is(v[k], w[k]);
            expect(same, `gradient ${i} of a pass changed`).toBe(true);
          });
        }
      }),
      { numRuns: scaledRuns(30) },
    );
  });
});
