import { join } from 'node:path';
import { Rng } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import { Maxout } from '@tapegrad/nn';
import { classColor, regionColor } from '@tapegrad/viz';
import { describe, expect, it } from 'vitest';
import { buildNetwork, healthTable, trainWithActivation } from '../core/activations.js';
import { countPixels, readPng, spawnScript, tempDir } from './helpers.js';

const out = tempDir('activations');

const data = spiral({ seed: 0, pointsPerClass: 50 });
const small = { width: 16, depth: 3, lr: 0.05, momentum: 0.9, seed: 0 };

describe('trainWithActivation', () => {
  it('a ReLU network learns the spiral: loss falls, accuracy far above chance', () => {
    const r = trainWithActivation(data, { ...small, activation: 'relu', iterations: 150 });
    expect(r.losses.length).toBe(150);
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]! / 5);
    expect(r.accuracy).toBeGreaterThan(0.85);
    // one entry per hidden layer, with the dead fraction of a rectifier
    expect([...r.health.keys()]).toEqual(['1', '3', '5']);
    for (const s of r.health.values()) {
      expect(s.activation).toBe('relu');
      expect(s.samples).toBe(150);
      expect(s.dead).toBeGreaterThanOrEqual(0);
      expect(s.dead).toBeLessThan(1);
    }
  });

  it('a deep sigmoid network starts with vanishing gradients in its first layers', () => {
    const r = trainWithActivation(data, {
      ...small,
      depth: 5,
      activation: 'sigmoid',
      iterations: 1,
    });
    const g = r.firstGradNorms;
    expect(g.length).toBe(6);
    expect(g[0]!).toBeLessThan(g[5]! / 100);
    const relu = trainWithActivation(data, {
      ...small,
      depth: 5,
      activation: 'relu',
      iterations: 1,
    });
    expect(relu.firstGradNorms[0]!).toBeGreaterThan(relu.firstGradNorms[5]! / 10);
  });

  it('maxout and PReLU networks learn too', () => {
    for (const activation of ['maxout', 'prelu'] as const) {
      const r = trainWithActivation(data, { ...small, activation, iterations: 100 });
      expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]! / 2);
    }
  });

  it('builds maxout networks from Maxout layers', () => {
    const net = buildNetwork('maxout', {
      inputs: 2,
      width: 4,
      depth: 2,
      classes: 3,
      rng: new Rng(0),
    });
    expect(net.modules().filter((m) => m instanceof Maxout).length).toBe(2);
    // 2 pieces × (2·4 + 4) + 2 × (4·4 + 4) + (4·3 + 3)
    expect(net.numParameters()).toBe(24 + 40 + 15);
  });

  it('tabulates dead and saturated units per layer', () => {
    const relu = trainWithActivation(data, { ...small, activation: 'relu', iterations: 5 });
    const tanh = trainWithActivation(data, { ...small, activation: 'tanh', iterations: 5 });
    const maxout = trainWithActivation(data, { ...small, activation: 'maxout', iterations: 5 });
    const table = healthTable(
      new Map([
        ['relu', relu.health],
        ['tanh', tanh.health],
        ['maxout', maxout.health],
      ]),
    ).split('\n');
    expect(table.length).toBe(4);
    expect(table[0]).toMatch(/^layer\s+relu\s+tanh\s+maxout$/);
    expect(table[1]).toMatch(
      /^hidden 1\s+\d+\.\d% dead\s+\d+\.\d% sat\.(\s\(\d+\.\d% units\))?\s+—$/,
    );
  });
});

describe('examples/activations.ts', () => {
  it('prints the tables and writes the loss curves and decision regions', () => {
    const run = spawnScript('activations.ts', [
      '--iterations',
      '10',
      '--hidden',
      '8',
      '--depth',
      '2',
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const name of ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'prelu', 'maxout']) {
      expect(run.stdout).toContain(`  ${name}`);
    }
    expect(run.stdout).toMatch(/hidden 2\s+\d/);
    // at scale 2: a 560 × 400 plot with each activation's colour (its curve may hide under
    // another's; its legend entry shows)
    const loss = readPng(join(out, 'loss.png'));
    expect(loss.width).toBeGreaterThan(2 * 560);
    expect(loss.height).toBeGreaterThan(2 * 400);
    for (let k = 0; k < 6; k++)
      expect(countPixels(loss, classColor(k)), `curve ${k}`).toBeGreaterThan(20);
    // six 240-pixel panels, 3 by 2, of the three classes' regions
    const regions = readPng(join(out, 'regions.png'));
    expect(regions.width).toBeGreaterThan(2 * 3 * 240);
    expect(regions.height).toBeGreaterThan(2 * 2 * 240);
    for (let k = 0; k < 3; k++)
      expect(countPixels(regions, regionColor(k))).toBeGreaterThan(10_000);
  });
});
