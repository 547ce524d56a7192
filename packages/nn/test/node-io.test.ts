// @tapegrad/nn/node: safetensors files on disk, the atomic save that a crash mid-write
// cannot turn into a destroyed checkpoint, and a load that reads the header before the data.
import { execFileSync } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Rng, ValueError } from '@tapegrad/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileError, MLP, SafetensorsError, saveSafetensors } from '../src/index.js';
import { loadFile, loadFileWithMetadata, saveFile, writeFileAtomic } from '../src/node.js';

// `open` and `readFile` are wrapped so that tests can make a write fail half-way (like a crash
// or a full disk) and count the bytes a load reads.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, open: vi.fn(actual.open), readFile: vi.fn(actual.readFile) };
});

/**
 * Run `fn` with the `writeFile` of every file opened for creation ('wx', saveFile's
 * temporary file) replaced by `writeFile`.
 */
async function onTemporaryFileWrite<T>(
  writeFile: (handle: fsp.FileHandle, data: Uint8Array) => Promise<void>,
  fn: () => Promise<T>,
): Promise<T> {
  const actual = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');
  vi.mocked(fsp.open).mockImplementation(async (p, flags, mode) => {
    const handle = await actual.open(p, flags, mode);
    if (flags !== 'wx') return handle;
    return new Proxy(handle, {
      get(target, key) {
        if (key === 'writeFile') return (data: Uint8Array) => writeFile(target, data);
        const v = Reflect.get(target, key);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  });
  try {
    return await fn();
  } finally {
    vi.mocked(fsp.open).mockImplementation(actual.open);
  }
}

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
    // write half of the bytes, then fail as a full disk or a killed process would
    await onTemporaryFileWrite(
      async (handle, data) => {
        await handle.write(data.subarray(0, data.length >> 1));
        throw new Error('ENOSPC: no space left on device (simulated)');
      },
      () =>
        expect(saveFile(new MLP([3, 8, 2], { rng: new Rng(6) }), path)).rejects.toThrow(/ENOSPC/),
    );
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

/**
 * Run `fn` and count the bytes it read from files, through a handle from `open` or through
 * `readFile`; resolves to the count and what `fn` threw (null if nothing).
 */
async function bytesReadBy(fn: () => Promise<unknown>): Promise<{ bytes: number; error: unknown }> {
  const actual = await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises');
  let bytes = 0;
  const countRead =
    (read: (...a: unknown[]) => Promise<{ bytesRead: number }>) =>
    async (...a: unknown[]) => {
      const r = await read(...a);
      bytes += r.bytesRead;
      return r;
    };
  const countReadFile =
    (read: (...a: unknown[]) => Promise<{ length: number }>) =>
    async (...a: unknown[]) => {
      const out = await read(...a);
      bytes += out.length;
      return out;
    };
  vi.mocked(fsp.readFile).mockImplementation(
    countReadFile(actual.readFile as never) as unknown as typeof actual.readFile,
  );
  vi.mocked(fsp.open).mockImplementation(async (...args: Parameters<typeof actual.open>) => {
    const handle = await actual.open(...args);
    return new Proxy(handle, {
      get(target, key) {
        const v = Reflect.get(target, key) as unknown;
        if (typeof v !== 'function') return v;
        const bound = v.bind(target);
        if (key === 'read') return countRead(bound);
        if (key === 'readFile') return countReadFile(bound);
        if (key === 'readv' || key === 'createReadStream' || key === 'readLines') {
          return () => {
            throw new Error(`this test counts no ${String(key)}`);
          };
        }
        return bound;
      },
    });
  });
  try {
    await fn();
    return { bytes, error: null };
  } catch (error) {
    return { bytes, error };
  } finally {
    vi.mocked(fsp.readFile).mockImplementation(actual.readFile);
    vi.mocked(fsp.open).mockImplementation(actual.open);
  }
}

describe('loadFile checks the header against the file before reading any data', () => {
  const GiB = 2 ** 30;

  /** A 1 GiB file that is all hole after its header: it costs no disk, and reading it costs seconds. */
  async function sparseFile(name: string, header: string, lengthField?: number) {
    const path = join(dir, name);
    const json = new TextEncoder().encode(header);
    const head = new Uint8Array(8 + json.length);
    new DataView(head.buffer).setBigUint64(0, BigInt(lengthField ?? json.length), true);
    head.set(json, 8);
    await writeFile(path, head);
    await truncate(path, GiB);
    return { path, headerBytes: head.length };
  }

  it.each([
    [
      'tensors that cover 8 of the 1 GiB of data',
      '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}',
      undefined,
      /the data has \d+ bytes but the tensors cover 8/,
    ],
    [
      'a tensor past the end of the file',
      '{"w":{"dtype":"F32","shape":[1000000000],"data_offsets":[0,4000000000]}}',
      undefined,
      /data_offsets \[0, 4000000000\] are outside the \d+ bytes of data/,
    ],
    [
      'a dtype that is a prototype key',
      '{"w":{"dtype":"__proto__","shape":[2],"data_offsets":[0,8]}}',
      undefined,
      /tensor 'w': unsupported dtype "__proto__"/,
    ],
    ['a header that is not JSON', '{"w": [', undefined, /the header is not valid JSON/],
    ['a header length beyond the limit', '{}', 2 ** 40, /exceeds the limit of 100000000 bytes/],
  ])('%s: rejected after reading the header only', async (name, header, lengthField, message) => {
    const { path, headerBytes } = await sparseFile(
      `sparse-${name.replace(/\W+/g, '-')}.safetensors`,
      header,
      lengthField,
    );
    expect((await stat(path)).size).toBe(GiB);
    const { bytes, error } = await bytesReadBy(() => loadFile(path));
    expect(bytes).toBeLessThanOrEqual(headerBytes);
    expect(error).toBeInstanceOf(SafetensorsError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(`'${path}'`);
    await rm(path);
  });

  it('a valid file is read once: the header, then each tensor, nothing twice', async () => {
    const model = new MLP([3, 8, 2], { rng: new Rng(7) });
    const path = join(dir, 'read-once.safetensors');
    await saveFile(model, path);
    const { bytes, error } = await bytesReadBy(async () => {
      const back = new MLP([3, 8, 2], { rng: new Rng(8) });
      back.loadStateDict(await loadFile(path));
      expect(back.parameters().map((p) => p.toArray())).toEqual(
        model.parameters().map((p) => p.toArray()),
      );
    });
    expect(error).toBeNull();
    expect(bytes).toBe((await stat(path)).size);
  });

  it('a path that cannot be read is a FileError naming it', async () => {
    const missing = join(dir, 'nowhere.safetensors');
    await expect(loadFile(missing)).rejects.toThrow(FileError);
    await expect(loadFile(missing)).rejects.toThrow(
      `loadFile: cannot read '${missing}': no such file or directory (ENOENT)`,
    );
    await expect(loadFile(dir)).rejects.toThrow(`loadFile: cannot read '${dir}': it is a folder`);
    await expect(loadFile('')).rejects.toThrow(ValueError);
    await expect(loadFile('')).rejects.toThrow(
      'loadFile: path must be a non-empty string (the file to read), got ""',
    );
  });
});

describe('a pipe is neither read nor replaced', () => {
  it.skipIf(process.platform === 'win32')(
    'loadFile and saveFile refuse a FIFO at once',
    async () => {
      const fifo = join(dir, 'pipe.safetensors');
      execFileSync('mkfifo', [fifo]);
      await expect(loadFile(fifo)).rejects.toThrow(
        `loadFile: cannot read '${fifo}': it is not a regular file`,
      );
      await expect(saveFile(new MLP([2, 1]), fifo)).rejects.toThrow(
        `saveFile: cannot write '${fifo}': it is not a regular file (saveFile replaces files only)`,
      );
      expect((await lstat(fifo)).isFIFO()).toBe(true);
      await rm(fifo);
    },
  );
});

/** The names in `folder` that look like saveFile's temporary files. */
async function temporaries(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((f) => f.endsWith('.tmp'));
}

/**
 * Run `fn` as a user without special rights: as root (who may write any file) the effective
 * user and group are 'nobody' while it runs, so that file modes apply as to anyone else.
 */
async function asUnprivileged<T>(fn: () => Promise<T>): Promise<T> {
  if (process.geteuid?.() !== 0) return fn();
  process.setegid!(65534);
  process.seteuid!(65534);
  try {
    return await fn();
  } finally {
    process.seteuid!(0);
    process.setegid!(0);
  }
}

describe('saveFile writes through links, keeps the mode, and names the path in every error', () => {
  const model = (seed: number) => new MLP([2, 3, 1], { rng: new Rng(seed) });

  it('a symlink stays a link and the file it points to gets the new bytes', async () => {
    const folder = await mkdtemp(join(dir, 'links-'));
    const real = join(folder, 'real.safetensors');
    const link = join(folder, 'link.safetensors');
    await saveFile(model(1), real);
    await symlink('real.safetensors', link);
    const second = model(2);
    await saveFile(second, link);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe('real.safetensors');
    expect(new Uint8Array(await readFile(real))).toEqual(saveSafetensors(second));
    // a chain of links from another folder: every link stays, the last target changes
    const sub = join(folder, 'sub');
    await mkdir(sub);
    const chain = join(sub, 'chain.safetensors');
    await symlink(relative(sub, link), chain);
    const third = model(3);
    await saveFile(third, chain);
    expect((await lstat(chain)).isSymbolicLink()).toBe(true);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(new Uint8Array(await readFile(real))).toEqual(saveSafetensors(third));
    expect(await temporaries(folder)).toEqual([]);
    expect(await temporaries(sub)).toEqual([]);
  });

  it('a dangling symlink: the file it names is created and the link kept', async () => {
    const folder = await mkdtemp(join(dir, 'dangling-'));
    const link = join(folder, 'latest.safetensors');
    await symlink('epoch-3.safetensors', link);
    await saveFile(model(4), link);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(new Uint8Array(await readFile(join(folder, 'epoch-3.safetensors')))).toEqual(
      saveSafetensors(model(4)),
    );
    // a loop of links is an error naming the path, as the system would give
    const loop = join(folder, 'loop.safetensors');
    await symlink('loop.safetensors', loop);
    await expect(saveFile(model(4), loop)).rejects.toThrow(
      `saveFile: cannot write '${loop}': too many levels of symbolic links (ELOOP)`,
    );
    expect(await temporaries(folder)).toEqual([]);
  });

  it('keeps the mode of the file it replaces', async () => {
    const path = join(dir, 'mode.safetensors');
    await saveFile(model(5), path);
    await chmod(path, 0o640);
    await saveFile(model(6), path);
    expect((await stat(path)).mode & 0o7777).toBe(0o640);
    await chmod(path, 0o604);
    await saveFile(model(7), path);
    expect((await stat(path)).mode & 0o7777).toBe(0o604);
    expect(new Uint8Array(await readFile(path))).toEqual(saveSafetensors(model(7)));
  });

  it('refuses to replace a file the user may not write, like open() for writing would', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'tapegrad-nn-ro-'));
    try {
      await chmod(folder, 0o777); // the folder is writable: only the file's mode forbids
      const path = join(folder, 'frozen.safetensors');
      await saveFile(model(8), path);
      await chmod(path, 0o444);
      const before = await readFile(path);
      const error = await asUnprivileged(() => saveFile(model(9), path).catch((e: unknown) => e));
      expect(error).toBeInstanceOf(FileError);
      expect((error as FileError).code).toBe('EACCES');
      expect((error as FileError).path).toBe(path);
      expect((error as Error).message).toBe(
        `saveFile: cannot write '${path}': permission denied (EACCES)`,
      );
      expect(await readFile(path)).toEqual(before);
      expect((await stat(path)).mode & 0o777).toBe(0o444);
      expect(await temporaries(folder)).toEqual([]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('an empty path is a ValueError, and not a string too', async () => {
    await expect(saveFile(model(1), '')).rejects.toThrow(ValueError);
    await expect(saveFile(model(1), '')).rejects.toThrow(
      'saveFile: path must be a non-empty string (the file to write), got ""',
    );
    await expect(saveFile(model(1), null as unknown as string)).rejects.toThrow(
      'saveFile: path must be a non-empty string (the file to write), got null',
    );
    expect(await temporaries('.')).toEqual([]);
  });

  it('a missing folder, a folder, a path through a file: errors naming the path', async () => {
    const inMissing = join(dir, 'no-such-folder', 'm.safetensors');
    await expect(saveFile(model(1), inMissing)).rejects.toThrow(FileError);
    await expect(saveFile(model(1), inMissing)).rejects.toThrow(
      `saveFile: cannot write '${inMissing}': the folder '${join(dir, 'no-such-folder')}' does not exist (ENOENT)`,
    );
    await expect(saveFile(model(1), dir)).rejects.toThrow(
      `saveFile: cannot write '${dir}': it is a folder (EISDIR)`,
    );
    await expect(saveFile(model(1), `${join(dir, 'new-folder')}/`)).rejects.toThrow(
      `saveFile: cannot write '${join(dir, 'new-folder')}/': a path ending in '/' names a folder (EISDIR)`,
    );
    const file = join(dir, 'plain.safetensors');
    await saveFile(model(1), file);
    const under = join(file, 'x.safetensors');
    await expect(saveFile(model(1), under)).rejects.toThrow(
      `saveFile: cannot write '${under}': '${file}' is not a folder (ENOTDIR)`,
    );
    expect(await temporaries(dir)).toEqual([]);
  });

  it('a failed write is a FileError naming the path, never the temporary file', async () => {
    const path = join(dir, 'enospc.safetensors');
    const error = await onTemporaryFileWrite(
      async () => {
        throw Object.assign(new Error("ENOSPC: no space left on device, write '.x.tmp'"), {
          code: 'ENOSPC',
        });
      },
      () => saveFile(model(1), path).catch((e: unknown) => e),
    );
    expect(error).toBeInstanceOf(FileError);
    expect((error as Error).message).toBe(
      `saveFile: cannot write '${path}': no space left on device (ENOSPC)`,
    );
    expect(await temporaries(dir)).toEqual([]);
  });
});

describe('writeFileAtomic (saveFile without the safetensors encoding)', () => {
  it('replaces a file with the bytes, keeps its mode, leaves no temporary file', async () => {
    const folder = await mkdtemp(join(dir, 'atomic-'));
    const path = join(folder, 'model.onnx');
    await writeFile(path, 'old contents');
    await fsp.chmod(path, 0o640);
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]), 'saveOnnx');
    expect(Array.from(await readFile(path))).toEqual([1, 2, 3]);
    expect((await fsp.stat(path)).mode & 0o777).toBe(0o640);
    expect(await readdir(folder)).toEqual(['model.onnx']);
  });

  it('names the calling op in its errors, and refuses what is not bytes', async () => {
    await expect(
      writeFileAtomic(join(dir, 'no-such-folder', 'x.onnx'), new Uint8Array(1), 'saveOnnx'),
    ).rejects.toThrow(
      /^saveOnnx: cannot write '.*x\.onnx': the folder '.*no-such-folder' does not exist \(ENOENT\)$/,
    );
    await expect(writeFileAtomic(join(dir, 'x.bin'), 'text' as never)).rejects.toThrow(
      'writeFileAtomic: bytes must be a Uint8Array, got "text"',
    );
  });
});
