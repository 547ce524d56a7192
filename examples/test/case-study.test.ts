// The case study: the linear classifier and the 2-layer net learn the spiral, at full length
// they reach the notes' accuracies, weight decay is the notes' ½·λ·Σ W², and the script
// prints the same numbers on every run and draws a PNG with the three classes.
import { join } from 'node:path';
import { noGrad, Rng, tensor } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import { softmaxCrossEntropy } from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  classifier,
  linearClassifier,
  regLoss,
  train,
  twoLayerNet,
  weightsAndBiases,
} from '../core/case-study.js';
import { expectDecisionPanels, runScript, tempDir } from './helpers.js';

const dir = tempDir('case-study');

/** Elementwise closeness to 6 decimals. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 6);
}

const data = spiral({ seed: 0 });

describe('the case study with few iterations', () => {
  it('the linear classifier: the loss falls from log 3 and accuracy beats chance', () => {
    const r = train(linearClassifier(2, 3, new Rng(0)), data, {
      iterations: 30,
      lr: 1,
      lambda: 1e-3,
    });
    expect(r.losses[0]!).toBeCloseTo(Math.log(3), 1);
    expect(r.losses[29]!).toBeLessThan(0.85);
    expect(r.accuracy).toBeGreaterThan(0.45);
  });

  it('the 2-layer net: the loss falls and accuracy beats the linear classifier', () => {
    const model = twoLayerNet(2, 100, 3, new Rng(1));
    const r = train(model, data, { iterations: 300, lr: 1, lambda: 1e-3 });
    expect(r.losses[0]!).toBeCloseTo(Math.log(3), 2);
    expect(r.losses[299]!).toBeLessThan(0.7);
    expect(r.accuracy).toBeGreaterThan(0.6);
    expect(accuracy(model, data)).toBe(r.accuracy);
  });

  it('calls back once per iteration with the loss it returns', () => {
    const seen: number[] = [];
    const r = train(linearClassifier(2, 3, new Rng(0)), data, {
      iterations: 5,
      lr: 1,
      lambda: 1e-3,
      onIteration: (i, loss) => seen.push(i, loss),
    });
    expect(seen).toEqual([
      0,
      r.losses[0],
      1,
      r.losses[1],
      2,
      r.losses[2],
      3,
      r.losses[3],
      4,
      r.losses[4],
    ]);
  });
});

describe('L2 regularization', () => {
  it('decays the weights of each layer and not the biases', () => {
    const { weights, biases } = weightsAndBiases(twoLayerNet(2, 10, 3, new Rng(0)));
    expect(weights.map((w) => w.shape)).toEqual([
      [10, 2],
      [3, 10],
    ]);
    expect(biases.map((b) => b.shape)).toEqual([[10], [3]]);
  });

  it('regLoss is ½·λ·Σ W²', () => {
    expect(regLoss([tensor([3, 4]), tensor([[1]])], 0.1)).toBeCloseTo(1.3, 6);
    expect(regLoss([tensor([3, 4])], 0)).toBe(0);
  });

  it('a step with weight decay λ is a step on data loss + ½·λ·Σ W² in the graph', () => {
    const lambda = 0.1;
    const decayed = linearClassifier(2, 3, new Rng(5));
    const byHand = linearClassifier(2, 3, new Rng(5));
    train(decayed, data, { iterations: 1, lr: 1, lambda });
    const w = byHand.weight;
    const loss = softmaxCrossEntropy(byHand.forward(data.x), data.y).add(
      w
        .mul(w)
        .sum()
        .mul(lambda / 2),
    );
    loss.backward();
    noGrad(() => {
      w.sub_(w.grad!);
      byHand.bias!.sub_(byHand.bias!.grad!);
    });
    expectClose(decayed.weight.toTypedArray(), w.toTypedArray());
    expectClose(decayed.bias!.toTypedArray(), byHand.bias!.toTypedArray());
  });
});

describe('the case study at full length, as the script runs it', () => {
  it('reaches the notes: about 49% for the linear classifier, 98% for the 2-layer net', () => {
    const rng = new Rng(0);
    const spiralData = spiral({ classes: 3, pointsPerClass: 100, rng });
    const linear = train(linearClassifier(2, 3, rng), spiralData, {
      iterations: 200,
      lr: 1,
      lambda: 1e-3,
    });
    const net = train(twoLayerNet(2, 100, 3, rng), spiralData, {
      iterations: 10_000,
      lr: 1,
      lambda: 1e-3,
    });
    expect(linear.accuracy).toBeGreaterThanOrEqual(0.4);
    expect(linear.accuracy).toBeLessThanOrEqual(0.65);
    expect(net.accuracy).toBeGreaterThanOrEqual(0.95);
    // the notes' final losses: about 0.79 and 0.25
    expect(linear.losses[199]!).toBeGreaterThan(0.7);
    expect(net.losses[9999]!).toBeLessThan(0.3);
  }, 180_000);
});

describe('examples/case-study.ts', () => {
  it('prints the same numbers twice and draws the three classes in a 2-panel PNG', () => {
    const out = join(dir, 'case-study');
    const args = ['--iterations', '300', '--linear-iterations', '50', '--out', out];
    const first = runScript('case-study.ts', args);
    expect(runScript('case-study.ts', args)).toBe(first);
    expect(first).toContain('iteration 0: loss 1.09');
    expect(first).toMatch(/linear classifier: training accuracy [\d.]+%/);
    expect(first).toMatch(/2-layer net \(100 hidden\): training accuracy [\d.]+%/);

    expectDecisionPanels(join(out, 'case-study.png'), {
      panels: 2,
      cols: 2,
      classes: 3,
      points: 100,
      regions: 10_000,
    });
  }, 60_000);

  it('classifies grid points as the model does: on the data, as often right as its accuracy', () => {
    const model = linearClassifier(2, 3, new Rng(0));
    train(model, data, { iterations: 50, lr: 1, lambda: 1e-3 });
    const classes = classifier(model)(Float64Array.from(data.x.toTypedArray()));
    const right = classes.filter((c, i) => c === data.y[i]).length;
    expect(right / data.y.length).toBe(accuracy(model, data));
  });
});
