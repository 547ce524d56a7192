// The package's entry points: the main one imports no Node built-in (it runs in browsers);
// file IO lives in '@tapegrad/nn/node'.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import * as nodeEntry from '../src/node.js';

const src = join(import.meta.dirname, '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

describe('entry points', () => {
  it('only node.ts imports Node built-ins, and nothing imports node.ts', () => {
    for (const file of sources(src)) {
      const text = readFileSync(file, 'utf8');
      if (file === join(src, 'node.ts')) continue;
      expect(text, file).not.toMatch(/from 'node:/);
      expect(text, file).not.toMatch(/from '\.\/node\.js'/);
    }
  });

  it('export what the design names', () => {
    for (const name of [
      'Module',
      'Parameter',
      'Linear',
      'Neuron',
      'Sequential',
      'MLP',
      'Sigmoid',
      'Tanh',
      'ReLU',
      'LeakyReLU',
      'PReLU',
      'Maxout',
      'Dropout',
      'softmaxCrossEntropy',
      'binaryCrossEntropyWithLogits',
      'hingeLoss',
      'multiclassHingeLoss',
      'mseLoss',
      'summary',
      'healthReport',
      'trackHealth',
      'saveSafetensors',
      'loadSafetensors',
      'xavierNormal',
      'kaimingNormal',
      'smallRandom',
    ]) {
      expect(nn, name).toHaveProperty(name);
    }
    expect(Object.keys(nodeEntry).sort()).toEqual([
      'loadFile',
      'loadFileWithMetadata',
      'saveFile',
      'writeFileAtomic',
    ]);
  });
});
