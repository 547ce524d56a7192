import { join } from 'node:path';
import { classColor } from '@tapegrad/viz';
import { describe, expect, it } from 'vitest';
import { fitOneHiddenLayer } from '../core/approximation.js';
import { countPixels, readPng, spawnScript, tempDir } from './helpers.js';

const out = tempDir('approximation');

describe('fitOneHiddenLayer', () => {
  it('learns sin: the error falls well below the variance of the target', () => {
    const fit = fitOneHiddenLayer({
      fn: 'sin',
      activation: 'sigmoid',
      hidden: 10,
      iterations: 300,
      lr: 0.05,
      seed: 0,
      points: 100,
    });
    // predicting the mean (0) would give the variance of sin over a period, 1/2
    expect(fit.losses[0]).toBeGreaterThan(0.1);
    expect(fit.mse).toBeLessThan(0.05);
    expect(fit.mse).toBeLessThan(fit.losses[0]! / 10);
    expect(fit.x.length).toBe(100);
    expect(fit.fit.length).toBe(100);
  });

  it('approximates sin better with more units', () => {
    const mse = (hidden: number) =>
      fitOneHiddenLayer({
        fn: 'sin',
        activation: 'relu',
        hidden,
        iterations: 300,
        lr: 0.05,
        seed: 0,
        points: 100,
      }).mse;
    expect(mse(20)).toBeLessThan(mse(1) / 5);
  });

  it('fits the step: the error ends far below the variance of the target (1/4)', () => {
    const fit = fitOneHiddenLayer({
      fn: 'step',
      activation: 'sigmoid',
      hidden: 3,
      iterations: 300,
      lr: 0.05,
      seed: 0,
      points: 100,
    });
    expect(fit.mse).toBeLessThan(0.03);
  });

  it('is deterministic for a seed', () => {
    const options = {
      fn: 'sin',
      activation: 'relu',
      hidden: 5,
      iterations: 50,
      lr: 0.05,
      seed: 3,
    } as const;
    expect(fitOneHiddenLayer(options).mse).toBe(fitOneHiddenLayer(options).mse);
  });
});

describe('examples/approximation.ts', () => {
  it('prints the error table and writes a 2×2 grid of fits', () => {
    const run = spawnScript('approximation.ts', [
      '--iterations',
      '30',
      '--hidden',
      '1,4',
      '--points',
      '50',
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/sin\s+4\s+\S+e-?\d+\s+\S+e-?\d+/);
    expect(run.stdout).toContain(`wrote ${join(out, 'fits.png')}`);
    const png = readPng(join(out, 'fits.png'));
    // at scale 2: 400 × 280 plots, 2 by 2, with axes, titles and legends
    expect(png.width).toBeGreaterThan(2 * 2 * 400);
    expect(png.width).toBeLessThan(2 * 2 * 600);
    expect(png.height).toBeGreaterThan(2 * 2 * 280);
    expect(png.height).toBeLessThan(2 * 2 * 420);
    // the fits of N = 1 and N = 4 in the first two colours
    for (let k = 0; k < 2; k++)
      expect(countPixels(png, classColor(k)), `N #${k}`).toBeGreaterThan(500);
  });
});
