import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@tapegrad/core';
import { DataFileError } from '@tapegrad/datasets/node';
import { describe, expect, it } from 'vitest';
import {
  CIFAR10_FILES,
  CIFAR10_URL,
  cifar10Problem,
  howToGetCifar10,
  loadCifar10Splits,
  trainCifar10,
} from '../core/cifar10.js';
import { readPng, spawnScript, tempDir } from './helpers.js';

const tmp = tempDir('cifar10');

/**
 * Writes the six batch files in the official binary format (records of 1 label byte + 3072
 * pixel bytes), `records` per file. Each class has its own random template image; a record
 * is a quarter template and three quarters noise, so the classes can be learned.
 */
function writeCifarLike(folder: string, records: number, seed = 7): void {
  mkdirSync(folder, { recursive: true });
  const rng = new Rng(seed);
  const templates = Array.from({ length: 10 }, () =>
    Uint8Array.from({ length: 3072 }, () => rng.int(0, 256)),
  );
  for (const name of CIFAR10_FILES) {
    const bytes = new Uint8Array(records * 3073);
    for (let r = 0; r < records; r++) {
      const label = rng.int(0, 10);
      const at = r * 3073;
      bytes[at] = label;
      for (let k = 0; k < 3072; k++)
        bytes[at + 1 + k] = (templates[label]![k]! >> 2) + rng.int(0, 192);
    }
    writeFileSync(join(folder, name), bytes);
  }
}

const data = join(tmp, 'cifar-10-batches-bin');
writeCifarLike(data, 60);

describe('CIFAR-10 core on generated files in the official format', () => {
  it('finds nothing wrong with a complete folder', () => {
    expect(cifar10Problem(data)).toBeNull();
  });

  it('loads both splits, centred by the training mean', () => {
    const { train, test } = loadCifar10Splits(data, 200);
    expect(train.x.shape).toEqual([200, 3072]);
    expect(train.y.length).toBe(200);
    expect(test.x.shape).toEqual([60, 3072]);
    expect(train.mean!.shape).toEqual([3072]);
    // pixels / 255 minus the mean of all 300 training images: centred, within [-1, 1]
    const full = loadCifar10Splits(data);
    const values = full.train.x.toTypedArray();
    let sum = 0;
    for (const v of values) sum += v;
    expect(Math.abs(sum / values.length)).toBeLessThan(1e-4);
    expect(Math.max(...values.slice(0, 3072).map(Math.abs))).toBeLessThanOrEqual(1);
  });

  it('trains a 3072-hidden-10 network to far above chance', () => {
    const { train, test } = loadCifar10Splits(data);
    const result = trainCifar10(train, test, {
      hidden: 16,
      epochs: 3,
      batchSize: 32,
      lr: 0.01,
      momentum: 0.9,
      lambda: 1e-4,
      seed: 0,
    });
    expect(result.model.sizes).toEqual([3072, 16, 10]);
    expect(result.losses.at(-1)!).toBeLessThan(result.losses[0]! / 2);
    expect(result.testAccuracy.at(-1)!).toBeGreaterThan(0.5);
    expect(result.perClass).toHaveLength(10);
    expect(result.predicted.length).toBe(60);
  });

  it('says what is missing: no folder, a missing folder, a missing file, a bad size', () => {
    expect(cifar10Problem('')).toBe('no folder given (--data <folder>)');
    expect(cifar10Problem(join(tmp, 'nowhere'))).toBe(`folder not found: ${join(tmp, 'nowhere')}`);
    const partial = join(tmp, 'partial');
    writeCifarLike(partial, 2);
    rmSync(join(partial, 'test_batch.bin'));
    expect(cifar10Problem(partial)).toBe(`${partial} lacks test_batch.bin`);
    writeFileSync(join(partial, 'test_batch.bin'), new Uint8Array(3073 + 5));
    expect(cifar10Problem(partial)).toContain('has 3078 bytes, not a whole number of 3073-byte');
  });

  it('reports a bad label byte as a DataFileError', () => {
    const bad = join(tmp, 'bad-label');
    writeCifarLike(bad, 2);
    const bytes = readFileSync(join(bad, 'data_batch_3.bin'));
    bytes[3073] = 200;
    writeFileSync(join(bad, 'data_batch_3.bin'), bytes);
    expect(cifar10Problem(bad)).toBeNull();
    expect(() => loadCifar10Splits(bad)).toThrow(DataFileError);
  });

  it('explains which files, their format and where to get them', () => {
    const text = howToGetCifar10('no folder given (--data <folder>)');
    expect(text).toContain('cifar10: no folder given');
    expect(text).toContain(CIFAR10_URL);
    expect(text).toContain('data_batch_1.bin ... data_batch_5.bin');
    expect(text).toContain('test_batch.bin');
    expect(text).toContain('1 label byte');
    expect(text).toContain('3072 pixel bytes');
    expect(text).toContain('downloads nothing');
  });
});

describe('examples/cifar10.ts', () => {
  it('without --data: the message on stderr, exit code 1, no stack trace', () => {
    const run = spawnScript('cifar10.ts');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${howToGetCifar10('no folder given (--data <folder>)')}\n`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('with a folder lacking a file: names it, exit code 1', () => {
    const partial = join(tmp, 'no-test');
    writeCifarLike(partial, 1);
    rmSync(join(partial, 'test_batch.bin'));
    const run = spawnScript('cifar10.ts', ['--data', partial]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`cifar10: ${partial} lacks test_batch.bin`);
    expect(run.stderr).toContain(CIFAR10_URL);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('on generated files: trains, prints the accuracy per class, writes the curves', () => {
    const out = join(tmp, 'out');
    const run = spawnScript('cifar10.ts', [
      '--data',
      data,
      '--epochs',
      '2',
      '--hidden',
      '8',
      '--out',
      out,
    ]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('300 training and 60 test images');
    expect(run.stdout).toMatch(/test accuracy: \d+\.\d+%/);
    expect(run.stdout).toMatch(/ {2}truck {6}\d+\.\d+%/);
    // at scale 2: the loss and accuracy plots (400 × 280) side by side
    const png = readPng(join(out, 'training.png'));
    expect(png.width).toBeGreaterThan(2 * 2 * 400);
    expect(png.height).toBeGreaterThan(2 * 280);
    expect(png.height).toBeLessThan(2 * 420);
  });
});
