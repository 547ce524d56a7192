// @tapegrad/nn/node: safetensors files on disk (Node only; the main entry stays browser-safe).
// A save writes a temporary file beside the file it replaces (found through any symlinks),
// flushes it, gives it the old file's mode and renames it into place: a crash mid-save leaves
// the previous checkpoint intact, and a link stays a link. A load reads the 8-byte length and
// the header, checks every tensor against the file's size, and only then reads the data.
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import {
  type FileHandle,
  lstat,
  open,
  readlink,
  realpath,
  rename,
  stat,
  unlink,
} from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { TapegradError, type Tensor, ValueError } from '@tapegrad/core';
import { FileError, SafetensorsError } from './errors.js';
import { show } from './internal/args.js';
import {
  decodeTensor,
  type Fail,
  headerLength,
  parseHeader,
} from './internal/safetensors-format.js';
import type { Module, StateDictLike } from './module.js';
import {
  type SafetensorsContents,
  type SaveSafetensorsOptions,
  saveSafetensors,
} from './safetensors.js';

/** Links followed before giving up on a path (Linux's own limit per lookup). */
const MAX_LINKS = 40;
/** The most bytes asked of one read call (Node's limit is just under 2 GiB). */
const READ_CHUNK = 2 ** 30;

/** `path` if it is a non-empty string; a ValueError naming `op` otherwise. */
function checkPath(op: string, path: unknown, what: 'read' | 'write'): string {
  if (typeof path !== 'string' || path === '') {
    throw new ValueError(
      op,
      `path must be a non-empty string (the file to ${what}), got ${show(path)}`,
    );
  }
  if (path.includes('\0')) {
    throw new ValueError(op, `path must not contain a NUL character, got ${show(path)}`);
  }
  return path;
}

/**
 * A file-system error as the user reads it: the system's description without the call and
 * the internal path it names (`permission denied`), and its code (`EACCES`).
 */
function systemReason(e: unknown): { text: string; code: string | undefined } {
  if (!(e instanceof Error)) return { text: String(e), code: undefined };
  const code = (e as NodeJS.ErrnoException).code;
  if (typeof code !== 'string') return { text: e.message, code: undefined };
  const described = e.message.startsWith(`${code}: `)
    ? e.message.slice(code.length + 2).replace(/, \w+ '.*$/s, '')
    : e.message;
  return { text: described, code };
}

/** A FileError whose message is `<op>: cannot <verb> '<path>': <reason> (<code>)`. */
function fileError(
  op: string,
  path: string,
  action: string,
  reason: string,
  code?: string,
  cause?: unknown,
): FileError {
  const coded = code === undefined ? reason : `${reason} (${code})`;
  return new FileError(op, path, `${action}: ${coded}`, { code, cause });
}

/**
 * Where a save to `path` lands: `path` itself, or, if it is a symlink, the file at the end
 * of its chain of links (which may not exist yet: a dangling link names the file to create).
 * Each relative link is resolved against the real folder of the link holding it, as the
 * system does.
 */
async function resolveLinks(
  path: string,
  fail: (reason: string, code?: string, cause?: unknown) => never,
): Promise<{ target: string; stats: Stats | null }> {
  let target = path;
  for (let hops = 0; ; hops++) {
    let stats: Stats;
    try {
      stats = await lstat(target);
    } catch (e) {
      const { text, code } = systemReason(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') return { target, stats: null };
      return fail(text, code, e);
    }
    if (!stats.isSymbolicLink()) return { target, stats };
    if (hops === MAX_LINKS) fail('too many levels of symbolic links', 'ELOOP');
    try {
      target = resolve(await realpath(dirname(target)), await readlink(target));
    } catch (e) {
      const { text, code } = systemReason(e);
      return fail(text, code, e);
    }
  }
}

/**
 * Write tensors (a module, or a state dict) to a safetensors file, atomically: the bytes go
 * to a temporary file beside the file they replace, are flushed to disk, and the temporary
 * file is renamed over it. If anything fails, the file still holds its previous contents and
 * the temporary file is removed.
 *
 * - A symlink is followed (through any chain of links) and stays a link: the file it points
 *   to gets the new bytes.
 * - The file keeps its permission bits. A file the user may not write (what opening it for
 *   writing would refuse: its mode, a read-only mount) is not replaced: an EACCES FileError.
 * - Every error names `path`: `saveFile: cannot write 'ckpt.safetensors': permission denied
 *   (EACCES)`, as a `FileError` with the system's `code`; an empty path is a ValueError.
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
  const op = 'saveFile';
  checkPath(op, path, 'write');
  // the arguments and the tensors are checked before anything on disk is touched
  await writeFileAtomic(path, saveSafetensors(source, options), op);
}

/**
 * Write `bytes` to `path` atomically, as `saveFile` does: a temporary file beside the target
 * (found through any symlinks), flushed, given the old file's mode, renamed into place. A
 * failure leaves the old file as it was and no temporary file behind; errors are FileErrors
 * naming `op`, the path and the reason.
 *
 * @example
 * await writeFileAtomic('model.onnx', bytes, 'saveOnnx');
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  op = 'writeFileAtomic',
): Promise<void> {
  checkPath(op, path, 'write');
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError(op, `bytes must be a Uint8Array, got ${show(bytes)}`);
  }
  let action = `cannot write '${path}'`;
  const fail = (reason: string, code?: string, cause?: unknown): never => {
    throw fileError(op, path, action, reason, code, cause);
  };
  const failWith = (e: unknown, context = ''): never => {
    const { text, code } = systemReason(e);
    return fail(`${context}${text}`, code, e);
  };
  if (path.endsWith('/') || path.endsWith(sep))
    fail(`a path ending in '${sep}' names a folder`, 'EISDIR');

  const { target, stats } = await resolveLinks(path, fail);
  if (target !== path) action = `cannot write '${path}' (a link to '${target}')`;
  const folder = dirname(target);
  if (stats === null) {
    let folderStats: Stats | null = null;
    try {
      folderStats = await stat(folder);
    } catch (e) {
      const { code } = systemReason(e);
      if (code === 'ENOENT') fail(`the folder '${folder}' does not exist`, code, e);
      if (code === 'ENOTDIR')
        fail(`the folder '${folder}' does not exist (a part of it is a file)`, code, e);
      failWith(e);
    }
    if (!folderStats!.isDirectory()) fail(`'${folder}' is not a folder`, 'ENOTDIR');
  } else {
    if (stats.isDirectory()) fail('it is a folder', 'EISDIR');
    if (!stats.isFile()) fail(`it is not a regular file (${op} replaces files only)`);
    // Would opening it for writing succeed? The system's own test (mode bits for this user,
    // ACLs, read-only mounts and files): what torch.save would meet. Nothing is written.
    try {
      const probe = await open(target, constants.O_WRONLY | constants.O_NONBLOCK);
      await probe.close();
    } catch (e) {
      failWith(e);
    }
  }

  const mode = stats === null ? null : stats.mode & 0o7777;
  const tmp = join(folder, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | null = null;
  try {
    handle = await open(tmp, 'wx', mode ?? 0o666);
  } catch (e) {
    failWith(e, `cannot create a file in '${folder}': `);
  }
  let renamed = false;
  try {
    try {
      // the umask may have cleared bits of the old mode: set it exactly
      if (mode !== null) await handle!.chmod(mode);
      await handle!.writeFile(bytes);
      await handle!.sync();
    } finally {
      await handle!.close();
    }
    await rename(tmp, target);
    renamed = true;
  } catch (e) {
    failWith(e);
  } finally {
    if (!renamed) await unlink(tmp).catch(() => {});
  }
  // make the rename itself durable where the platform allows syncing a folder
  const dir = await open(folder, 'r').catch(() => null);
  if (dir !== null)
    await dir
      .sync()
      .catch(() => {})
      .finally(() => dir.close());
}

/** `length` bytes of the file from `position`, in a buffer of their own. */
async function readAt(
  handle: FileHandle,
  position: number,
  length: number,
  fail: Fail,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(
      out,
      done,
      Math.min(length - done, READ_CHUNK),
      position + done,
    );
    if (bytesRead === 0) {
      fail(`the file ended at byte ${position + done} while being read (did it change meanwhile?)`);
    }
    done += bytesRead;
  }
  return out;
}

/**
 * Read a safetensors file into a state dict (tensors by name), validating it completely
 * first: a truncated or malformed file is a `SafetensorsError`, a file that cannot be read a
 * `FileError`, both naming the path.
 *
 * @example
 * model.loadStateDict(await loadFile('mlp.safetensors'));
 */
export async function loadFile(path: string): Promise<Map<string, Tensor>> {
  return (await loadFileWithMetadata(path)).tensors;
}

/**
 * Read a safetensors file's tensors and its `__metadata__`. The header is read and checked
 * first (its length against the file's size and the limit, then every tensor's dtype, shape
 * and offsets against the data), so a damaged file is rejected after reading its header
 * only; then each tensor's bytes are read into its own buffer.
 *
 * @example
 * const { tensors, metadata } = await loadFileWithMetadata('mlp.safetensors');
 */
export async function loadFileWithMetadata(path: string): Promise<SafetensorsContents> {
  const op = 'loadFile';
  checkPath(op, path, 'read');
  const action = `cannot read '${path}'`;
  const fail: Fail = (message) => {
    throw new SafetensorsError(op, `'${path}' is not a valid safetensors file: ${message}`);
  };
  let handle: FileHandle;
  try {
    // non-blocking, so that a pipe is refused below instead of waiting for a writer
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const { text, code } = systemReason(e);
    throw fileError(op, path, action, code === 'EISDIR' ? 'it is a folder' : text, code, e);
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw fileError(op, path, action, 'it is a folder', 'EISDIR');
    if (!stats.isFile()) throw fileError(op, path, action, 'it is not a regular file');
    const size = stats.size;
    const n = headerLength(fail, await readAt(handle, 0, Math.min(8, size), fail), size);
    const { entries, metadata } = parseHeader(fail, await readAt(handle, 8, n, fail), size - 8 - n);
    const tensors = new Map<string, Tensor>();
    for (const e of entries) {
      const raw = await readAt(handle, 8 + n + e.begin, e.end - e.begin, fail);
      tensors.set(e.name, decodeTensor(e, raw, true));
    }
    return { tensors, metadata };
  } catch (e) {
    if (e instanceof TapegradError) throw e;
    const { text, code } = systemReason(e);
    throw fileError(op, path, action, text, code, e);
  } finally {
    await handle.close();
  }
}
