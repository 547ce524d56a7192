// @tapegrad/nn/node: safetensors files on disk (Node only; the main entry stays browser-safe).
// A save writes a temporary file next to the target, flushes it, then renames it over the
// target, so a crash mid-save leaves the previous checkpoint intact.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Tensor } from '@tapegrad/core';
import type { Module, StateDictLike } from './module.js';
import {
  loadSafetensorsWithMetadata,
  type SafetensorsContents,
  type SaveSafetensorsOptions,
  saveSafetensors,
} from './safetensors.js';

/**
 * Write tensors (a module, or a state dict) to a safetensors file, atomically: the bytes go
 * to a temporary file in the same folder, are flushed to disk, and the file is renamed over
 * `path`. If anything fails, `path` still holds its previous contents and the temporary
 * file is removed.
 *
 * @example
 * import { saveFile, loadFile } from '@tapegrad/nn/node';
 * await saveFile(model, 'checkpoints/mlp.safetensors');
 * model.loadStateDict(await loadFile('checkpoints/mlp.safetensors'));
 */
export async function saveFile(
  source: Module | StateDictLike,
  path: string,
  options: SaveSafetensorsOptions = {},
): Promise<void> {
  const bytes = saveSafetensors(source, options);
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
    renamed = true;
  } finally {
    if (!renamed) await unlink(tmp).catch(() => {});
  }
  // make the rename itself durable where the platform allows syncing a folder
  const dir = await open(dirname(path), 'r').catch(() => null);
  if (dir !== null)
    await dir
      .sync()
      .catch(() => {})
      .finally(() => dir.close());
}

/**
 * Read a safetensors file into a state dict (tensors by name), validating it completely
 * first: a truncated or malformed file is a `SafetensorsError`.
 *
 * @example
 * model.loadStateDict(await loadFile('mlp.safetensors'));
 */
export async function loadFile(path: string): Promise<Map<string, Tensor>> {
  return (await loadFileWithMetadata(path)).tensors;
}

/**
 * Read a safetensors file's tensors and its `__metadata__`.
 *
 * @example
 * const { tensors, metadata } = await loadFileWithMetadata('mlp.safetensors');
 */
export async function loadFileWithMetadata(path: string): Promise<SafetensorsContents> {
  const buf = await readFile(path);
  return loadSafetensorsWithMetadata(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
}
