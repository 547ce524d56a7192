// The hand-off example's tapegrad side (the PyTorch step in between runs in `pnpm test:interop`,
// which needs Python): train.ts saves weights with torch.nn's names and the digits;
// finish.ts loads a file strictly, reports the accuracy, exports ONNX and runs it in ONNX
// Runtime. Here finish.ts reads tapegrad's own file, so the accuracy must stay the same.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '@tapegrad/core';
import { loadFileWithMetadata, saveFile } from '@tapegrad/nn/node';
import { describe, expect, it } from 'vitest';
import { spawnScript, tempDir } from './helpers.js';

const out = tempDir('handoff');

describe('examples/handoff: train.ts, then finish.ts', () => {
  it('saves torch-named weights and the digits; loads them back and serves them with ONNX Runtime', async () => {
    const train = spawnScript('handoff/train.ts', [
      '--steps',
      '40',
      '--hidden',
      '32',
      '--out',
      out,
    ]);
    expect(train.stderr).toBe('');
    expect(train.status).toBe(0);
    const before = /test accuracy after tapegrad's 40 steps: (\d+\.\d+)%/.exec(train.stdout);
    expect(Number(before?.[1])).toBeGreaterThan(70);

    const weights = await loadFileWithMetadata(join(out, 'tapegrad.safetensors'));
    expect([...weights.tensors.keys()].sort()).toEqual([
      '0.bias',
      '0.weight',
      '2.bias',
      '2.weight',
    ]);
    expect(weights.tensors.get('0.weight')!.shape).toEqual([32, 784]);
    expect(weights.metadata.trained_by).toBe('tapegrad');
    const digits = await loadFileWithMetadata(join(out, 'digits.safetensors'));
    expect(digits.tensors.get('train.x')!.shape).toEqual([8000, 784]);
    expect(digits.tensors.get('test.y')!.shape).toEqual([2000]);

    const args = ['--out', out, '--weights', join(out, 'tapegrad.safetensors')];
    const finish = spawnScript('handoff/finish.ts', args);
    expect(finish.stderr).toBe('');
    expect(finish.status).toBe(0);
    expect(finish.stdout).toContain(
      `test accuracy after the hand-off:             ${before?.[1]}%`,
    );
    expect(finish.stdout).toContain(`tapegrad measured ${before?.[1]}% on the same digits`);
    expect(finish.stdout).toMatch(/2000 of 2000 predictions as tapegrad's/);
    expect(existsSync(join(out, 'mlp.onnx'))).toBe(true);
  });

  it('finish.ts refuses weights that do not fit the network (strict load)', async () => {
    const { tensors } = await loadFileWithMetadata(join(out, 'tapegrad.safetensors'));
    tensors.set('1.weight', tensor([0.25]));
    const extra = join(out, 'prelu.safetensors');
    await saveFile(tensors, extra);
    const finish = spawnScript('handoff/finish.ts', ['--out', out, '--weights', extra]);
    expect(finish.status).not.toBe(0);
    expect(finish.stderr).toMatch(/1\.weight/);
  });
});
