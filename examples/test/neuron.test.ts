// The single neuron example: both losses train a linear classifier, and the script prints
// the same numbers on every run and draws a PNG with both classes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Rng } from '@tapegrad/core';
import { blobs } from '@tapegrad/datasets';
import pngjs from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { neuronAccuracy, neuronClassifier, targetsFor, trainNeuron } from '../core/neuron.js';
import { Canvas, classColor, PALETTE, panels, regionColor } from '../lib/plot.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'tapegrad-neuron-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs an example script with tsx on the sources; returns its standard output. */
function runScript(script: string, args: string[]): string {
  return execFileSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=tapegrad-source', join('examples', script), ...args],
    { cwd: root, encoding: 'utf8' },
  );
}

/** How many pixels of RGBA `data` have exactly the colour `c`. */
function count(data: Uint8Array, c: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] === c[0] && data[i + 1] === c[1] && data[i + 2] === c[2]) n++;
  }
  return n;
}

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

    const png = pngjs.PNG.sync.read(readFileSync(join(out, 'neuron.png')));
    const blank = { canvas: new Canvas(480, 480), title: 't' };
    const expected = panels([blank, blank], { cols: 2, title: 't' });
    expect([png.width, png.height]).toEqual([expected.width, expected.height]);
    const pixels = new Uint8Array(png.data);
    for (const k of [0, 1]) {
      expect(count(pixels, classColor(k)), `class ${k} points`).toBeGreaterThan(100);
      expect(count(pixels, regionColor(k)), `class ${k} region`).toBeGreaterThan(10_000);
    }
    expect(count(pixels, PALETTE[2]!)).toBe(0);
  });
});
