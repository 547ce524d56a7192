// Files the Node loaders read: every failure of node:fs (a missing path, a folder where a
// file belongs, no permission) becomes a DataFileError naming the path and what belongs
// there, never a raw ENOENT or EISDIR.
import { readFileSync, statSync } from 'node:fs';
import { DataFileError } from '../errors.js';

/** What is at `path`: a file, a folder, something else (a device, a socket), or nothing. */
export type PathKind = 'file' | 'folder' | 'other' | 'missing';

/** What is at `path`; a failure other than "nothing there" is a DataFileError naming it. */
export function pathKind(op: string, path: string): PathKind {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined) return 'missing';
    return stats.isFile() ? 'file' : stats.isDirectory() ? 'folder' : 'other';
  } catch (e) {
    // ENOTDIR: a parent on the path is a file, so nothing can be at `path`.
    if (errorCode(e) === 'ENOTDIR' || errorCode(e) === 'ENOENT') return 'missing';
    throw fsError(op, path, e);
  }
}

/** Check that `folder` is a folder; otherwise a DataFileError naming it and what belongs there. */
export function checkFolder(op: string, folder: string, expected: string): void {
  const kind = pathKind(op, folder);
  if (kind !== 'folder') {
    throw new DataFileError(
      op,
      folder,
      null,
      `${kind === 'missing' ? 'folder not found' : 'not a folder'}: ${folder}; expected a folder holding ${expected}`,
    );
  }
}

/**
 * Check that `path` is a file and return its size; otherwise a DataFileError that names the
 * path, what is (or is not) there, and `expected`, what belongs there.
 */
export function checkFile(op: string, path: string, expected: string): number {
  const kind = pathKind(op, path);
  if (kind !== 'file') {
    const what =
      kind === 'missing'
        ? `file not found: ${path}`
        : kind === 'folder'
          ? `not a file: ${path} is a folder`
          : `not a regular file: ${path}`;
    throw new DataFileError(op, path, null, `${what}; expected ${expected}`);
  }
  try {
    return statSync(path).size;
  } catch (e) {
    throw fsError(op, path, e);
  }
}

/** The bytes of the file `path`, or a DataFileError naming it. */
export function readDataFile(op: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw fsError(op, path, e);
  }
}

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A DataFileError for a failed fs call on `path`: `cannot read <path>: EACCES (…)`. */
function fsError(op: string, path: string, e: unknown): DataFileError {
  const code = errorCode(e);
  const reason = e instanceof Error ? e.message : String(e);
  const what =
    code === 'EISDIR'
      ? `not a file: ${path} is a folder`
      : code === 'ENOENT'
        ? `file not found: ${path}`
        : `cannot read ${path}: ${reason}`;
  return new DataFileError(op, path, null, what, { code, cause: e });
}
