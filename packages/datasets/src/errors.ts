// The error for data files that are missing or not in the expected format.
import { FileError } from '@tapegrad/core';

/**
 * A data file or folder that is missing or malformed: a `FileError` (`path`, and `code` for a
 * system error) with `offset`, the byte offset of the problem inside the file, or null when
 * the whole file (or folder) is at fault.
 *
 * @example
 * try {
 *   loadCifar10('/data/cifar');
 * } catch (e) {
 *   if (e instanceof DataFileError) console.error(e.path, e.offset);
 * }
 */
export class DataFileError extends FileError {
  readonly offset: number | null;
  constructor(
    op: string,
    path: string,
    offset: number | null,
    message: string,
    options: { readonly code?: string | undefined; readonly cause?: unknown } = {},
  ) {
    super(op, path, message, options);
    this.offset = offset;
  }
}
