import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '@tapegrad/datasets/node';
import { loadFile } from '@tapegrad/nn/node';
import { describe, expect, it } from 'vitest';
import { evaluate, saveAndReload, trainClassifier } from '../core/mnist.js';
import { countPixels, readPng, spawnScript, tempDir } from './helpers.js';

const out = tempDir('mnist');

// A short run: 1 epoch over 2000 digits, tested on 500 others.
const { train: all, test: allTest } = loadMnist({ seed: 0 });
const train = { x: all.x.slice(0, 0, 2000), y: all.y.slice(0, 2000) };
const test = { x: allTest.x.slice(0, 0, 500), y: allTest.y.slice(0, 500) };
const options = {
  hidden: 32,
  epochs: 1,
  batchSize: 64,
  lr: 0.1,
  momentum: 0.9,
  lambda: 1e-4,
  seed: 0,
};
const result = trainClassifier(train, test, options);

describe('trainClassifier on MNIST digits', () => {
  it('reaches an accuracy far above chance (10%) after one short epoch', () => {
    expect(result.losses.length).toBe(Math.ceil(2000 / 64));
    expect(result.losses.at(-1)!).toBeLessThan(result.losses[0]! / 3);
    expect(result.testAccuracy).toHaveLength(1);
    expect(result.testAccuracy[0]!).toBeGreaterThan(0.8);
    expect(evaluate(result.model, test).accuracy).toBe(result.testAccuracy[0]);
  });

  it('measures the train accuracy on a prefix when asked', () => {
    expect(evaluate(result.model, train, 100).predicted.length).toBe(100);
  });

  it('saves the weights as safetensors and reloads them with the same accuracy', async () => {
    const path = join(out, 'nested', 'mlp.safetensors');
    const copy = await saveAndReload(result.model, path);
    expect(copy).not.toBe(result.model);
    const tensors = await loadFile(path);
    expect([...tensors.keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(tensors.get('0.weight')!.shape).toEqual([32, 784]);
    const before = evaluate(result.model, test);
    const after = evaluate(copy, test);
    expect(after.accuracy).toBe(before.accuracy);
    expect(after.predicted).toEqual(before.predicted);
  });

  it('is deterministic for a seed', () => {
    const again = trainClassifier(train, test, { ...options, epochs: 1 });
    expect(again.losses).toEqual(result.losses);
  });
});

describe('examples/mnist.ts', () => {
  it('trains, reloads, and writes the training curves and the mistakes', () => {
    const run = spawnScript('mnist.ts', ['--epochs', '1', '--hidden', '16', '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const acc = /test accuracy: (\d+\.\d+)%/.exec(run.stdout);
    const reloaded = /test accuracy after reloading: (\d+\.\d+)%/.exec(run.stdout);
    expect(Number(acc?.[1])).toBeGreaterThan(85);
    expect(reloaded?.[1]).toBe(acc?.[1]);
    expect(run.stdout).toContain('same predictions on every test digit');
    expect(existsSync(join(out, 'mlp.safetensors'))).toBe(true);
    // at scale 2: the loss and accuracy plots (400 × 280) side by side
    const curves = readPng(join(out, 'training.png'));
    expect(curves.width).toBeGreaterThan(2 * 2 * 400);
    expect(curves.height).toBeGreaterThan(2 * 280);
    expect(curves.height).toBeLessThan(2 * 420);
    // 24 digits of 84 × 84 pixels, 8 across in 3 rows: black ink on white
    const mistakes = readPng(join(out, 'mistakes.png'));
    expect(mistakes.width).toBeGreaterThan(2 * 8 * 84);
    expect(mistakes.height).toBeGreaterThan(2 * 3 * 84);
    expect(countPixels(mistakes, '#000000')).toBeGreaterThan(24 * 500);
  });
});
