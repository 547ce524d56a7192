// Capacity and regularization: the settings of the figure, nets that learn, the overfitting
// story at the script's defaults, and a script that prints the same numbers on every run and
// draws a PNG with one panel per setting and both classes.
import { join } from 'node:path';
import { Rng } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { capacityData, settings, trainSetting } from '../core/capacity.js';
import { expectDecisionPanels, runScript, tempDir } from './helpers.js';

const dir = tempDir('capacity');

describe('settings', () => {
  it('a capacity row at the base λ, then the largest net at each λ', () => {
    expect(settings([3, 6, 20], [1e-3, 1e-2, 1e-1], 0)).toEqual([
      { hidden: 3, lambda: 0 },
      { hidden: 6, lambda: 0 },
      { hidden: 20, lambda: 0 },
      { hidden: 20, lambda: 1e-3 },
      { hidden: 20, lambda: 1e-2 },
      { hidden: 20, lambda: 1e-1 },
    ]);
  });
});

describe('capacityData', () => {
  it('draws a small training set and a large held-out set of two classes', () => {
    const { train, heldOut } = capacityData(new Rng(0), {
      pointsPerClass: 30,
      heldOutPerClass: 500,
      noise: 0.4,
    });
    expect(train.x.shape).toEqual([60, 2]);
    expect(heldOut.x.shape).toEqual([1000, 2]);
    expect(new Set(train.y)).toEqual(new Set([0, 1]));
    expect(Array.from(train.x.toTypedArray().slice(0, 4))).not.toEqual(
      Array.from(heldOut.x.toTypedArray().slice(0, 4)),
    );
  });
});

describe('trainSetting', () => {
  it('learns in a few hundred steps: the loss falls and both accuracies beat chance', () => {
    const data = capacityData(new Rng(0), { pointsPerClass: 30, heldOutPerClass: 200, noise: 0.2 });
    const r = trainSetting({ hidden: 6, lambda: 1e-3 }, data, {
      iterations: 300,
      lr: 1,
      initSeed: 1,
    });
    expect(r.losses[299]!).toBeLessThan(0.6 * r.losses[0]!);
    expect(r.trainAccuracy).toBeGreaterThan(0.75);
    expect(r.heldOutAccuracy).toBeGreaterThan(0.75);
  });

  it('at the defaults: small nets underfit, the 20-unit net overfits, λ = 0.01 generalizes better', () => {
    const rng = new Rng(1); // the script's default seed, data and initial weights
    const data = capacityData(rng, { pointsPerClass: 30, heldOutPerClass: 500, noise: 0.4 });
    const initSeed = rng.nextUint32();
    const options = { iterations: 20_000, lr: 1, initSeed };
    const small = trainSetting({ hidden: 3, lambda: 0 }, data, options);
    const big = trainSetting({ hidden: 20, lambda: 0 }, data, options);
    const regularized = trainSetting({ hidden: 20, lambda: 0.01 }, data, options);
    expect(big.trainAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(small.trainAccuracy).toBeLessThan(big.trainAccuracy - 0.05);
    expect(big.heldOutAccuracy).toBeLessThan(big.trainAccuracy - 0.1);
    expect(regularized.heldOutAccuracy).toBeGreaterThan(big.heldOutAccuracy + 0.05);
    expect(regularized.trainAccuracy).toBeLessThan(big.trainAccuracy);
  }, 120_000);
});

describe('examples/capacity.ts', () => {
  it('prints the same numbers twice and draws 6 panels with both classes', () => {
    const out = join(dir, 'capacity');
    const args = ['--iterations', '300', '--out', out];
    const first = runScript('capacity.ts', args);
    expect(runScript('capacity.ts', args)).toBe(first);
    const lines = first.split('\n').filter((l) => l.includes('held-out accuracy'));
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(
      /^3 hidden, λ = 0 .*train accuracy [\d.]+%, held-out accuracy [\d.]+%$/,
    );
    expect(lines[5]).toMatch(/^20 hidden, λ = 0.1 /);

    expectDecisionPanels(join(out, 'capacity.png'), {
      panels: 6,
      cols: 3,
      classes: 2,
      points: 300,
      regions: 30_000,
    });
  }, 60_000);
});
