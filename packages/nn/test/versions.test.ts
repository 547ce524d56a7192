// loadStateDict between a forward and its backward writes the parameters the forward saved:
// backward refuses instead of returning gradients of the old values.
import { AutogradError, Rng, tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { Linear } from '../src/index.js';

describe('loadStateDict between forward and backward', () => {
  it('backward throws an AutogradError naming linear and the weight', () => {
    // the weight was written once when it was initialised (version 1), once more by the load
    const layer = new Linear(3, 2, { rng: new Rng(0) });
    const other = new Linear(3, 2, { rng: new Rng(1) });
    const x = tensor([[1, 2, 3]]);
    const loss = layer.forward(x).sum();
    layer.loadStateDict(other.stateDict());
    let error: unknown;
    try {
      loss.backward();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AutogradError);
    expect((error as Error).message).toMatch(
      /^linear: .*its input 1 \(shape \[2,3\], float32\) is at version 2, but was at version 1/,
    );
    expect(layer.weight.grad).toBeNull();
    // a new forward after loading backpropagates as usual
    layer.forward(x).sum().backward();
    expect(layer.weight.grad!.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });
});
