// The error for data files that are missing or not in the expected format.
import { TapegradError } from '@tapegrad/core';

/**
 * A data file or folder that is missing or malformed. `path` names it; `offset` is the byte
 * offset of the problem inside the file, or null when the whole file (or folder) is at fault.
 *
 * @example
 * try {
 *   loadCifar10('/data/cifar');
 * } catch (e) {
 *   if (e instanceof DataFileError) console.error(e.path, e.offset);
 * }
 */
export class DataFileError extends TapegradError {
  readonly path: string;
  readonly offset: number | null;
  constructor(op: string, path: string, offset: number | null, message: string) {
    super(op, message);
    this.path = path;
    this.offset = offset;
  }
}
