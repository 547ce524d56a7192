// An optimizer step between a forward and its backward writes the parameters the forward
// saved: backward refuses instead of returning gradients of values that are gone (PyTorch
// raises "modified by an inplace operation" here too).
import { AutogradError, tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { Adam, SGD } from '../src/index.js';

describe('a step between forward and backward', () => {
  it.each([
    ['SGD', (p: ReturnType<typeof tensor>) => new SGD([p], { lr: 0.1, momentum: 0.9 })],
    ['Adam', (p: ReturnType<typeof tensor>) => new Adam([p], { lr: 0.1 })],
  ])('%s: backward throws an AutogradError naming the op, shape and versions', (_name, make) => {
    const p = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const opt = make(p);
    p.mul(p).sum().backward(); // a first gradient, so that step() has one
    const loss = p.mul(p).sum(); // mul saves p (version 0)…
    opt.step(); // …and the step writes it (version 1)
    const v = p.version;
    expect(v).toBeGreaterThan(0);
    const before = p.grad!.toArray();
    let error: unknown;
    try {
      loss.backward();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AutogradError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^mul: .*its input 0 \\(shape \\[3\\], float64\\) is at version ${v}, but was at version 0`,
      ),
    );
    expect(p.grad!.toArray()).toEqual(before); // no .grad was touched
  });

  it('the usual order (forward, backward, step, zeroGrad) runs', () => {
    const p = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([p], { lr: 0.5 });
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      p.mul(p).sum().backward();
      opt.step();
    }
    expect(p.toArray()).toEqual([0, 0, 0]);
  });
});
