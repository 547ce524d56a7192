// @tapegrad/nn/node: safetensors files on disk, and the atomic save that a crash mid-write
// cannot turn into a destroyed checkpoint.
import * as fsp from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@tapegrad/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MLP, SafetensorsError, saveSafetensors } from '../src/index.js';
import { loadFile, loadFileWithMetadata, saveFile } from '../src/node.js';

// `open` is wrapped so that one test can make a write fail half-way, like a crash or a full disk.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, open: vi.fn(actual.open) };
});

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tapegrad-nn-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saveFile and loadFile', () => {
  it('round-trip a model through a file with the exact bytes of saveSafetensors', async () => {
    const a = new MLP([3, 4, 2], { rng: new Rng(1) });
    const path = join(dir, 'model.safetensors');
    await saveFile(a, path, { metadata: { step: '10' } });
    expect(new Uint8Array(await readFile(path))).toEqual(
      saveSafetensors(a, { metadata: { step: '10' } }),
    );
    const b = new MLP([3, 4, 2], { rng: new Rng(2) });
    b.loadStateDict(await loadFile(path));
    expect(b.parameters().map((p) => p.toArray())).toEqual(a.parameters().map((p) => p.toArray()));
    expect((await loadFileWithMetadata(path)).metadata).toEqual({ step: '10' });
    expect(await readdir(dir)).toEqual(['model.safetensors']); // no temporary file left
  });

  it('overwrites an existing checkpoint', async () => {
    const path = join(dir, 'over.safetensors');
    await saveFile(new MLP([2, 2], { rng: new Rng(3) }), path);
    const newer = new MLP([2, 2], { rng: new Rng(4) });
    await saveFile(newer, path);
    expect(new Uint8Array(await readFile(path))).toEqual(saveSafetensors(newer));
  });

  it('a crash mid-write leaves the previous checkpoint intact and no temporary file', async () => {
    const path = join(dir, 'ckpt.safetensors');
    const old = new MLP([3, 8, 2], { rng: new Rng(5) });
    await saveFile(old, path);
    const previous = await readFile(path);
    const actual = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');
    vi.mocked(fsp.open).mockImplementationOnce(async (p, flags) => {
      const handle = await actual.open(p, flags);
      // write half of the bytes, then fail as a full disk or a killed process would
      return new Proxy(handle, {
        get(target, key) {
          if (key === 'writeFile') {
            return async (data: Uint8Array) => {
              await target.write(data.subarray(0, data.length >> 1));
              throw new Error('ENOSPC: no space left on device (simulated)');
            };
          }
          const v = Reflect.get(target, key);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    });
    await expect(saveFile(new MLP([3, 8, 2], { rng: new Rng(6) }), path)).rejects.toThrow(/ENOSPC/);
    expect(await readFile(path)).toEqual(previous);
    expect((await readdir(dir)).filter((f) => f.includes('ckpt'))).toEqual(['ckpt.safetensors']);
    const back = new MLP([3, 8, 2]);
    back.loadStateDict(await loadFile(path));
    expect(back.parameters()[0]!.toArray()).toEqual(old.parameters()[0]!.toArray());
  });

  it('a truncated file on disk is a SafetensorsError', async () => {
    const path = join(dir, 'cut.safetensors');
    const bytes = saveSafetensors(new MLP([3, 4, 2]));
    await writeFile(path, bytes.subarray(0, bytes.length - 3));
    await expect(loadFile(path)).rejects.toThrow(SafetensorsError);
    await expect(loadFile(path)).rejects.toThrow(
      /outside the \d+ bytes of data \(a truncated file\?\)/,
    );
    await expect(loadFile(join(dir, 'missing.safetensors'))).rejects.toThrow(/ENOENT/);
  });
});
