// Typed errors: one class per kind, each carrying the op and the values that went wrong,
// so tests and users can tell them apart and messages can name what would be right.

/** Base class of every error tapegrad throws on bad input. `op` names the op or function. */
export class TapegradError extends Error {
  readonly op: string;
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = new.target.name;
    this.op = op;
  }
}

/** Shapes that do not fit together: broadcasting, matmul, reshape, a dim out of range. */
export class ShapeError extends TapegradError {
  readonly shapes: readonly (readonly number[])[];
  constructor(op: string, message: string, shapes: readonly (readonly number[])[] = []) {
    super(op, message);
    this.shapes = shapes;
  }
}

/** An unknown or unsupported dtype. */
export class DTypeError extends TapegradError {}

/** An index out of range (gather indices, slicing, class labels). */
export class IndexError extends TapegradError {}

/** A value that is out of its domain: ragged arrays, a non-finite hyperparameter, a bad option. */
export class ValueError extends TapegradError {}

/** Misuse of the autograd engine: a second backward without `retainGraph`, a non-scalar seed. */
export class AutogradError extends TapegradError {}

/**
 * A file that cannot be read or written: missing, a folder, not writable by the user. `path`
 * is the path the caller gave; `code` the system's error code (`'ENOENT'`, `'EACCES'`,
 * `'EISDIR'`, …) when there is one. The original error, if any, is the `cause`.
 *
 * @example
 * try { saveFile(model, path); } catch (e) { if (e instanceof FileError && e.code === 'EACCES') … }
 */
export class FileError extends TapegradError {
  readonly path: string;
  readonly code: string | undefined;
  constructor(
    op: string,
    path: string,
    message: string,
    options: { readonly code?: string | undefined; readonly cause?: unknown } = {},
  ) {
    super(op, message);
    this.path = path;
    this.code = options.code;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** Anomaly mode found a NaN or an Inf; `phase` tells whether in the forward or backward pass. */
export class AnomalyError extends TapegradError {
  readonly phase: 'forward' | 'backward';
  constructor(op: string, phase: 'forward' | 'backward', message: string) {
    super(op, message);
    this.phase = phase;
  }
}

/** `[2,3]`: shapes print the way users write them. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * What a function got where it wanted a tensor or a number, for its error: `null`, `string`,
 * `Map`, or an array with the hint to wrap it.
 */
export function describeInput(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return 'an array (wrap it with tensor(...))';
  return typeof x === 'object' ? (x.constructor?.name ?? 'an object') : typeof x;
}

/**
 * A value the way an error message should show it: `3`, `NaN`, `true`, `null`, `undefined`,
 * `the string "0.5"`, `a Float32Array of length 3`, `an array of length 2`,
 * `a Tensor of shape [2,3] (float32)`, `an object`, `an instance of Map`, `a function`.
 *
 * @example
 * throw new ValueError('loadMnist', `testFraction must be a number in [0, 1], got ${describeValue(v)}`);
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `the bigint ${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'symbol':
      return `the symbol ${String(value)}`;
    case 'function':
      return value.name === '' ? 'a function' : `the function ${value.name}`;
  }
  if (value === null) return 'null';
  // a Tensor, recognised by its fields (this module cannot import the class)
  const t = value as { shape?: unknown; dtype?: unknown; gradFn?: unknown };
  if (Array.isArray(t.shape) && typeof t.dtype === 'string' && 'gradFn' in t) {
    return `a Tensor of shape ${fmtShape(t.shape)} (${t.dtype})`;
  }
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const typed = value as unknown as ArrayLike<unknown>;
    return `${article(value.constructor.name)} of length ${typed.length}`;
  }
  const name = (value as object).constructor?.name;
  return name === undefined || name === '' || name === 'Object'
    ? 'an object'
    : `an instance of ${name}`;
}

/** `a Float32Array`, `an Int32Array`, `a Uint8Array`. */
function article(name: string): string {
  return `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;
}
