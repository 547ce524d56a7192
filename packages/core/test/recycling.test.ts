// A backward pass reuses the memory of the gradients it has finished with, and gives a leaf
// its first gradient without a copy — only where it proved nothing else references them
// (autograd/ownership.ts). These tests watch buffers by identity: a rule that records which
// typed array it saw is the one way to name an intermediate gradient's buffer from outside.
import {
  add,
  type FloatArray,
  getBackend,
  grad,
  linear,
  matmul,
  mul,
  relu,
  setBackend,
  type Tensor,
  tensor,
  zeros,
} from '@tapegrad/core';
import { defineOp, emptyArray, kernels, traceOps } from '@tapegrad/core/op-kit';
import { describe, expect, it } from 'vitest';
import { allocate, RECYCLED_MAX_BYTES, recycle, recycledMemory } from '../src/dtype.js';

/** 4000 float32 values: 16 kB, above the 8 kB below which buffers come from shared blocks. */
const N = 4000;

/** What a `watch` op's rule saw: the dy it received and the gradient it returned. */
interface Seen {
  dy: Tensor[];
  out: Tensor[];
}

/** An identity op whose rule notes its dy and its result (`stateless`: what it declares). */
function watch(stateless: boolean): { op: (x: Tensor) => Tensor; seen: Seen } {
  const seen: Seen = { dy: [], out: [] };
  const op = defineOp<[x: Tensor]>({
    name: stateless ? 'watchStateless' : 'watchKeeping',
    forward: ([x]) => {
      const out = emptyArray(x.shape, 'float32');
      kernels().copy(x, out);
      return out;
    },
    saves: [],
    ...(stateless ? { statelessBackward: true } : {}),
    backward: (dy) => {
      const g = mul(dy, 1);
      seen.dy.push(dy);
      seen.out.push(g);
      return [g];
    },
  });
  return { op, seen };
}

const ramp = (n = N): Tensor =>
  tensor(
    Float32Array.from({ length: n }, (_, i) => i / n),
    { requiresGrad: true },
  );

/** Drains the recycled buffers of n float32 values, returning them. */
function drain(n = N): FloatArray[] {
  const got: FloatArray[] = [];
  const before = recycledMemory();
  for (let i = 0; i < 64 && recycledMemory() > 0; i++) got.push(allocate('float32', n));
  expect(recycledMemory()).toBeLessThanOrEqual(before);
  return got;
}

describe('the recycled buffers', () => {
  it('an allocation takes a recycled buffer of its size, zeroed, once', () => {
    drain();
    const a = new Float32Array(N).fill(7);
    recycle(a);
    recycle(a); // noted twice: still given out once
    const first = allocate('float32', N);
    expect(first === a).toBe(true);
    expect(Array.from(first).every((v) => v === 0)).toBe(true);
    expect(allocate('float32', N) === a).toBe(false);
    expect(allocate('float64', N / 2) === a).toBe(false); // same bytes, another dtype
  });

  it('an output its kernel writes whole takes one as it is, and no old value shows', () => {
    drain();
    const a = new Float32Array(N).fill(7);
    recycle(a);
    expect(allocate('float32', N, false) === a).toBe(true);
    expect(Array.from(a).every((v) => v === 7)).toBe(true); // not zeroed: its writer will
    expect(allocate('float32', 100, false)).toEqual(new Float32Array(100)); // a block piece
    // products (k = 0 included), a linear layer and elementwise ops on both backends, each
    // given a recycled buffer of NaNs: every value is written
    const previous = getBackend();
    const x = tensor(
      Array.from({ length: 600 }, (_, i) => Math.sin(i)),
      { shape: [300, 2] },
    );
    const w = tensor(
      Array.from({ length: 200 }, (_, i) => Math.cos(i)),
      { shape: [100, 2] },
    );
    const b = tensor(Array.from({ length: 100 }, (_, i) => i / 7));
    const cases: [string, () => Tensor][] = [
      ['matmul', () => matmul(x, w.T)],
      ['matmul, k = 0', () => matmul(zeros([300, 0]), zeros([0, 100]))],
      ['linear', () => linear(x, w, b)],
      ['add', () => add(matmul(x, w.T), b)],
      ['relu', () => relu(linear(x, w, b))],
    ];
    try {
      for (const backend of ['js', 'wasm']) {
        setBackend(backend);
        for (const [name, run] of cases) {
          const want = run().toTypedArray();
          drain();
          const junk = new Float32Array(300 * 100).fill(Number.NaN);
          recycle(junk);
          const got = run();
          expect(junk === got.data.data || recycledMemory() === 0, name).toBe(true);
          expect(Array.from(got.toTypedArray()), `${name} on ${backend}`).toEqual(Array.from(want));
        }
      }
    } finally {
      setBackend(previous);
    }
  });

  it('ignores pieces of shared blocks, views, and anything past the cap', () => {
    drain();
    const small = allocate('float32', 100); // 400 bytes: a piece of a shared block
    recycle(small);
    expect(allocate('float32', 100) === small).toBe(false);
    const whole = new Float32Array(2 * N);
    const view = whole.subarray(N);
    recycle(view);
    expect(allocate('float32', N) === view).toBe(false);
    const huge = new Float32Array(RECYCLED_MAX_BYTES / 4 + 1024);
    recycle(huge);
    expect(recycledMemory()).toBeLessThanOrEqual(RECYCLED_MAX_BYTES);
    expect(allocate('float32', huge.length) === huge).toBe(false);
  });
});

describe('a backward pass', () => {
  it("recycles a stateless rule's dy once the rule has run", () => {
    const { op, seen } = watch(true);
    const x = ramp();
    op(x.mul(2)).mul(3).sum().backward();
    // the rule's dy (3s) went back once it had run, and the next allocation of its size,
    // the gradient of x.mul(2)'s input, took it: x.grad holds 6s in dy's buffer
    const dy = seen.dy[0]!;
    expect(x.grad!.data.data === dy.data.data).toBe(true);
    expect(Array.from(x.grad!.toTypedArray()).every((v) => v === 6)).toBe(true);
    // with nothing after it to take the buffer, it waits for the next allocation
    const { op: last, seen: lastSeen } = watch(true);
    last(ramp()).mul(2).sum().backward();
    expect(drain().includes(lastSeen.dy[0]!.data.data)).toBe(true);
  });

  it('gives a leaf the gradient a stateless rule made, without a copy', () => {
    const { op, seen } = watch(true);
    const x = ramp();
    op(x).mul(3).sum().backward();
    expect(x.grad!.data.data === seen.out[0]!.data.data).toBe(true);
    expect(Array.from(x.grad!.toTypedArray()).every((v) => v === 3)).toBe(true);
    // the leaf's gradient is its own: never recycled, whatever runs next
    for (let i = 0; i < 5; i++) ramp().mul(5).mul(2).sum().backward();
    expect(drain().includes(x.grad!.data.data)).toBe(false);
    expect(Array.from(x.grad!.toTypedArray()).every((v) => v === 3)).toBe(true);
  });

  it('neither recycles nor keeps uncopied what a rule without statelessBackward saw', () => {
    const { op, seen } = watch(false);
    const x = ramp();
    op(x.mul(2)).mul(3).sum().backward();
    const dy = seen.dy[0]!;
    const out = seen.out[0]!;
    expect(x.grad!.data.data === out.data.data).toBe(false);
    for (let i = 0; i < 5; i++) ramp().mul(5).mul(2).sum().backward();
    const recycled = drain();
    expect(recycled.includes(dy.data.data)).toBe(false);
    expect(recycled.includes(out.data.data)).toBe(false);
    expect(Array.from(dy.toTypedArray()).every((v) => v === 3)).toBe(true);
    expect(Array.from(out.toTypedArray()).every((v) => v === 3)).toBe(true);
  });

  it('gives two leaves that share one gradient a buffer each', () => {
    const a = ramp();
    const b = ramp();
    add(a, b).mul(2).sum().backward(); // add's rule returns the same dy for both
    expect(a.grad!.data.data === b.grad!.data.data).toBe(false);
    a.grad!.mul_(10);
    expect(Array.from(b.grad!.toTypedArray()).every((v) => v === 2)).toBe(true);
  });

  it('counts no buffer of 8 kB or less, in a pass that recycles large ones', () => {
    const a = ramp(100);
    const b = ramp(100);
    const small = watch(true);
    const large = watch(true);
    const s = ramp(100);
    const x = ramp();
    // one pass: add's rule gives one small dy to both a and b; x's chain is large
    add(add(a, b).mul(2).sum(), small.op(s).mul(3).sum()).add(large.op(x).mul(3).sum()).backward();
    expect(a.grad!.data.data === b.grad!.data.data).toBe(false);
    a.grad!.mul_(10);
    expect(Array.from(b.grad!.toTypedArray()).every((v) => v === 2)).toBe(true);
    // a small first gradient is copied; a large one is still kept without a copy
    expect(s.grad!.data.data === small.seen.out[0]!.data.data).toBe(false);
    expect(Array.from(s.grad!.toTypedArray()).every((v) => v === 3)).toBe(true);
    expect(x.grad!.data.data === large.seen.out[0]!.data.data).toBe(true);
  });

  it('accumulates into an existing .grad and recycles the new gradient', () => {
    const { op, seen } = watch(true);
    const x = ramp();
    x.grad = zeros([N]).add(1);
    const own = x.grad.data.data;
    op(x).mul(3).sum().backward();
    expect(x.grad.data.data === own).toBe(true);
    expect(Array.from(x.grad.toTypedArray()).every((v) => v === 4)).toBe(true);
    expect(drain().includes(seen.out[0]!.data.data)).toBe(true);
  });

  it("never recycles the gradients grad() returns, leaf's or not", () => {
    const x = ramp();
    const mid = x.mul(2);
    const [gMid, gX] = grad(mid.mul(3).sum(), [mid, x]);
    for (let i = 0; i < 5; i++) ramp().mul(5).mul(2).sum().backward();
    const recycled = drain();
    expect(recycled.includes(gMid!.data.data)).toBe(false);
    expect(recycled.includes(gX!.data.data)).toBe(false);
    expect(Array.from(gMid!.toTypedArray()).every((v) => v === 3)).toBe(true);
    expect(Array.from(gX!.toTypedArray()).every((v) => v === 6)).toBe(true);
  });

  it('recycles nothing under createGraph or while traceOps watches', () => {
    drain();
    const x = ramp();
    const [g] = grad(x.mul(x).mul(3).sum(), [x], { createGraph: true });
    expect(recycledMemory()).toBe(0);
    g!.sum().backward(); // second order: 6 everywhere
    expect(Array.from(x.grad!.toTypedArray()).every((v) => v === 6)).toBe(true);
    drain();
    const outputs: Tensor[] = [];
    traceOps(
      () => ramp().mul(2).mul(3).sum().backward(),
      (op) => outputs.push(op.output),
    );
    expect(recycledMemory()).toBe(0);
  });

  it('gives the same gradients as before over retained graphs and repeated backward', () => {
    const x = ramp();
    const w = ramp();
    const loss = mul(x.mul(w), x).sum();
    loss.backward(undefined, { retainGraph: true });
    loss.backward();
    const xs = x.toTypedArray();
    const ws = w.toTypedArray();
    const gx = x.grad!.toTypedArray();
    const gw = w.grad!.toTypedArray();
    for (let i = 0; i < N; i++) {
      expect(gx[i]).toBeCloseTo(2 * 2 * xs[i]! * ws[i]!, 5);
      expect(gw[i]).toBeCloseTo(2 * xs[i]! * xs[i]!, 5);
    }
  });
});

describe('small buffers', () => {
  it('are zeroed pieces of shared blocks, of their own size class, that never overlap', () => {
    // 17..2048 float32 values (68 B..8 kB: every size class) and float64 ones, enough of each
    // to fill several blocks; each piece is filled with its own number and checked after
    const made: { a: FloatArray; v: number }[] = [];
    /** Each block seen, and the piece size of its class. */
    const blocks = new Map<ArrayBufferLike, number>();
    let v = 1;
    for (const [dtype, sizes] of [
      ['float32', [17, 32, 33, 64, 100, 128, 200, 256, 300, 512, 513, 900, 1024, 2048]],
      ['float64', [9, 16, 50, 128, 256, 300, 900, 1024]],
    ] as const) {
      for (const size of sizes) {
        const bytes = size * (dtype === 'float64' ? 8 : 4);
        const piece = 2 ** Math.ceil(Math.log2(bytes));
        // enough pieces to span more than two blocks of the largest size there is
        for (let i = 0; i < (2 * 131072) / piece + 3; i++) {
          const a = allocate(dtype, size, i % 2 === 0);
          expect(a.length).toBe(size);
          expect(a.every((x) => x === 0)).toBe(true);
          expect(a.byteOffset % piece).toBe(0);
          expect(blocks.get(a.buffer) ?? piece).toBe(piece); // one size class per block
          a.fill(v);
          made.push({ a, v });
          blocks.set(a.buffer, piece);
          v++;
        }
      }
    }
    for (const { a, v } of made) expect(a.every((x) => x === v)).toBe(true);
    // a block is 16 kB, or 16 pieces where that is more; several of each class were made
    for (const [b, piece] of blocks) expect(b.byteLength).toBe(Math.max(16384, 16 * piece));
    expect(blocks.size).toBeGreaterThan(15);
  });
});
