// Version counters: a gradient is never computed from values that were overwritten after the
// op that saved them ran (PyTorch raises "modified by an inplace operation" in these cases).
import {
  AutogradError,
  abs,
  defineOp,
  exp,
  grad,
  leakyRelu,
  noGrad,
  relu,
  sign,
  type Tensor,
  tensor,
} from '@tapegrad/core';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';

const f64 = (values: number[], requiresGrad = false): Tensor =>
  tensor(values, { dtype: 'float64', requiresGrad });

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('version counters', () => {
  it('count the in-place writes of a storage, shared by its views', () => {
    const c = f64([1, 2, 3, 4]);
    const v = c.reshape([2, 2]);
    const s = c.slice(0, 1, 3);
    expect([c.version, v.version, s.version]).toEqual([0, 0, 0]);
    c.add_(1);
    s.fill_(0);
    v.mul_(2);
    expect([c.version, v.version, s.version]).toEqual([3, 3, 3]);
    expect(c.toArray()).toEqual([4, 0, 0, 10]);
    // a refused write is not counted
    expect(() => c.add_(f64([1, 2]))).toThrow();
    expect(c.version).toBe(3);
    // a copy has its own storage
    const k = c.clone();
    k.zero_();
    expect([c.version, k.version]).toEqual([3, 1]);
  });

  it('set_ counts as a write of the tensor; the storage it takes keeps its own counter (as PyTorch)', () => {
    const p = f64([1, 2]);
    const src = tensor([5, 6], { dtype: 'float32' });
    p.fill_(0);
    p.set_(src);
    expect(p.version).toBe(2);
    expect(src.version).toBe(0);
    p.add_(1);
    expect([p.version, src.version]).toEqual([3, 0]);
    expect(src.toArray()).toEqual([6, 7]); // the storage is shared
  });

  it('detach shares the counter: a write through the detached tensor is seen', () => {
    const x = f64([1, 2], true);
    const loss = x.mul(x).sum();
    x.detach().mul_(3);
    expect(x.version).toBe(1);
    expect(() => loss.backward()).toThrow(/^mul: .*is at version 1, but was at version 0/);
  });

  it("the issue's case: x written after x·x ran → an error naming the op, shape and versions", () => {
    const x = f64([1, 2], true);
    const y = x.mul(x).sum();
    noGrad(() => x.copy_(f64([100, 2])));
    const e = thrown(() => y.backward());
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toMatch(
      /^mul: a tensor needed for the gradient was changed in place after 'mul' \(op #\d+\) ran: its input 0 \(shape \[2\], float64\) is at version 1, but was at version 0 when it was saved/,
    );
    expect(x.grad).toBeNull();
  });

  it('an op output written in place after exp (which reads its output) is refused', () => {
    const x = f64([0, 1], true);
    const y = exp(x);
    const loss = y.sum();
    noGrad(() => y.mul_(2));
    expect(() => loss.backward()).toThrow(
      /^exp: .*its output \(shape \[2\], float64\) is at version 1, but was at version 0/,
    );
  });

  it('a constant written through a view after the op ran is refused', () => {
    const x = f64([1, 2, 3, 4], true);
    const c = f64([1, 1, 1, 1]);
    const loss = x.mul(c.reshape([4])).sum();
    c.slice(0, 0, 2).fill_(7);
    expect(() => loss.backward()).toThrow(
      /^mul: .*its input 1 \(shape \[4\], float64\) is at version 1, but was at version 0/,
    );
  });

  it('a write to a tensor whose values backward does not read is allowed (add, sum, reshape)', () => {
    const x = f64([1, 2], true);
    const c = f64([3, 4]);
    const loss = x.add(c).reshape([2, 1]).sum();
    c.fill_(100);
    loss.backward();
    expect(x.grad!.toArray()).toEqual([1, 1]);
  });

  it('a second backward (retainGraph) also checks, and a write before the op is fine', () => {
    const x = f64([1, 2], true);
    noGrad(() => x.add_(1)); // before the op ran: nothing saved yet
    const loss = x.mul(x).sum();
    loss.backward(undefined, { retainGraph: true });
    expect(x.grad!.toArray()).toEqual([4, 6]);
    noGrad(() => x.sub_(1));
    expect(() => loss.backward()).toThrow(/^mul: .*is at version 2, but was at version 1/);
    expect(x.grad!.toArray()).toEqual([4, 6]);
  });

  it('accumulating into .grad counts as a write of the gradient', () => {
    const x = f64([1, 2], true);
    x.mul(2).sum().backward();
    const v = x.grad!.version;
    x.mul(2).sum().backward();
    expect(x.grad!.version).toBe(v + 1);
    expect(x.grad!.toArray()).toEqual([4, 4]);
  });

  it('a user op saves every input and its output unless it says which it reads', () => {
    // forward: x + 1 into a new array; backward reads no values
    const plusOne = (x: { size: number; shape: number[]; offset: number; data: Float64Array }) =>
      ndarray(
        Float64Array.from({ length: x.size }, (_, i) => x.data[x.offset + i]! + 1),
        x.shape.slice(),
      );
    const saysNothing = defineOp<[x: Tensor, y: Tensor]>({
      name: 'saysNothing',
      forward: ([x]) => plusOne(x as never),
      backward: (dy) => [dy, null],
    });
    const savesNone = defineOp<[x: Tensor, y: Tensor]>({
      name: 'savesNone',
      saves: [],
      forward: ([x]) => plusOne(x as never),
      backward: (dy) => [dy, null],
    });
    const x = f64([1, 2], true);
    const y = f64([5, 6]);
    const refused = saysNothing(x, y).sum();
    const allowed = savesNone(x, y).sum();
    y.fill_(0);
    expect(() => refused.backward()).toThrow(
      /^saysNothing: .*its input 1 \(shape \[2\], float64\) is at version 1, but was at version 0/,
    );
    allowed.backward();
    expect(x.grad!.toArray()).toEqual([1, 1]);
  });
});

describe('backward is all or nothing for .grad', () => {
  it('a rule that throws half way leaves every .grad as it was', () => {
    const boom = defineOp<[x: Tensor]>({
      name: 'boom',
      forward: ([x]) => ndarray(new Float64Array(x.size), x.shape.slice()),
      backward: () => {
        throw new Error('rule failed');
      },
    });
    const a = f64([1, 2], true);
    const b = f64([3, 4], true);
    a.grad = f64([10, 10]);
    // a's gradient (from a·2) is ready before boom's rule runs; b's never comes
    const loss = a.mul(2).sum().add(boom(b).sum());
    expect(() => loss.backward()).toThrow('rule failed');
    expect(a.grad!.toArray()).toEqual([10, 10]);
    expect(b.grad).toBeNull();
  });

  it('a .grad of the wrong shape cannot be assigned; one that is not a Tensor neither', () => {
    const b = f64([3, 4], true);
    expect(() => {
      b.grad = f64([1, 2, 3]);
    }).toThrow("grad: .grad must have the tensor's shape [2], got one of shape [3]");
    expect(() => {
      b.grad = [1, 1] as never;
    }).toThrow('grad: .grad must be a Tensor of shape [2] or null, got an array of length 2');
    expect(b.grad).toBeNull();
  });
});

describe('second derivatives through non-smooth ops, as PyTorch', () => {
  // PyTorch 2.13: grad(grad(f(x).sum(), x, create_graph=True)[0].sum(), x) is zeros for relu,
  // leaky_relu, abs and sign·x; for max, amax and maximum the first gradient does not require
  // grad (a mask times a constant) and the second grad raises.
  const x0 = [1.5, -2, 0.5];
  const cases: [string, (x: Tensor) => Tensor][] = [
    ['relu', (x) => relu(x).sum()],
    ['leakyRelu', (x) => leakyRelu(x, 0.1).sum()],
    ['abs', (x) => abs(x).sum()],
    ['sign·x', (x) => sign(x).mul(x).sum()],
  ];
  it.each(cases)('%s: the second derivative is 0', (_name, f) => {
    const x = f64(x0, true);
    const [g] = grad(f(x), [x], { createGraph: true });
    expect(g!.requiresGrad).toBe(true);
    const [h] = grad(g!.sum(), [x]);
    expect(h!.toArray()).toEqual([0, 0, 0]);
  });

  it('relu·x: the second derivative is 2 where x > 0', () => {
    const x = f64(x0, true);
    const [g] = grad(relu(x).mul(x).sum(), [x], { createGraph: true });
    expect(grad(g!.sum(), [x])[0]!.toArray()).toEqual([2, 0, 2]);
  });

  it('max and maximum: the gradient has no gradient of its own, and the error says why', () => {
    const x = f64(x0, true);
    const [g] = grad(x.max(), [x], { createGraph: true });
    expect(g!.requiresGrad).toBe(false);
    expect(() => grad(g!.sum(), [x])).toThrow(
      /does not require grad: no differentiable op connects it/,
    );
    const [g2] = grad(x.maximum(0).sum(), [x], { createGraph: true });
    expect(g2!.requiresGrad).toBe(false);
  });
});
