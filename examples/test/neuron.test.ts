// The single neuron example: both losses train a linear classifier, and the script prints
// the same numbers on every run and draws a PNG with both classes.
import { join } from 'node:path';
import { Rng } from '@tapegrad/core';
import { blobs } from '@tapegrad/datasets';
import { describe, expect, it } from 'vitest';
import { neuronAccuracy, neuronClassifier, targetsFor, trainNeuron } from '../core/neuron.js';
import { expectDecisionPanels, runScript, tempDir } from './helpers.js';

const dir = tempDir('neuron');

const data = blobs({
  centers: [
    [-1, -1],
    [1, 1],
  ],
  std: 0.8,
  pointsPerClass: 50,
  seed: 3,
});

describe('trainNeuron', () => {
  for (const loss of ['logistic', 'hinge'] as const) {
    it(`learns a linear classifier with the ${loss} loss in 50 steps`, () => {
      const r = trainNeuron(data, loss, { iterations: 50, lr: 0.5, lambda: 1e-3, rng: new Rng(0) });
      expect(r.losses[49]!).toBeLessThan(0.5 * r.losses[0]!);
      expect(r.accuracy).toBeGreaterThan(0.9);
      expect(neuronAccuracy(r.neuron, data)).toBe(r.accuracy);
    });
  }

  it('starts from small weights: loss log 2 for the logistic neuron, 1 for the hinge', () => {
    const logistic = trainNeuron(data, 'logistic', {
      iterations: 1,
      lr: 0,
      lambda: 0,
      rng: new Rng(0),
    });
    const hinge = trainNeuron(data, 'hinge', { iterations: 1, lr: 0, lambda: 0, rng: new Rng(0) });
    expect(logistic.losses[0]!).toBeCloseTo(Math.LN2, 1);
    expect(hinge.losses[0]!).toBeCloseTo(1, 1);
  });

  it('gives the hinge loss ±1 targets and the logistic loss 0/1 targets', () => {
    expect(targetsFor('hinge', Int32Array.of(0, 1, 1)).toArray()).toEqual([-1, 1, 1]);
    expect(targetsFor('logistic', Int32Array.of(0, 1, 1)).toArray()).toEqual([0, 1, 1]);
  });

  it('classifies grid points by the side of w.x + b = 0 they are on', () => {
    const r = trainNeuron(data, 'logistic', {
      iterations: 50,
      lr: 0.5,
      lambda: 1e-3,
      rng: new Rng(0),
    });
    expect(Array.from(neuronClassifier(r.neuron)(new Float64Array([-2, -2, 2, 2])))).toEqual([
      0, 1,
    ]);
  });
});

describe('examples/neuron.ts', () => {
  it('prints the same numbers twice and draws both classes in a 2-panel PNG', () => {
    const out = join(dir, 'neuron');
    const first = runScript('neuron.ts', ['--out', out]);
    expect(runScript('neuron.ts', ['--out', out])).toBe(first);
    const accuracies = [...first.matchAll(/training accuracy ([\d.]+)%/g)].map((m) => Number(m[1]));
    expect(accuracies).toHaveLength(2);
    for (const a of accuracies) expect(a).toBeGreaterThan(90);

    expectDecisionPanels(join(out, 'neuron.png'), {
      panels: 2,
      cols: 2,
      classes: 2,
      points: 100,
      regions: 10_000,
    });
  });
});
