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
 * What a function got, for an error that says what it expected instead: `NaN`, `0.7`,
 * `the string "0.5"`, `true`, `a Float32Array of length 3`, `an array of length 2`, `a Map`,
 * `an object with keys {a, b}`, `a function`.
 *
 * @example
 * throw new ValueError('loadMnist', `testFraction must be a number in [0, 1), got ${describeValue(v)}`);
 */
export function describeValue(x: unknown): string {
  if (x === null || x === undefined || typeof x === 'boolean') return String(x);
  if (typeof x === 'number') return String(x);
  if (typeof x === 'bigint') return `the bigint ${x}n`;
  if (typeof x === 'string') {
    const s = x.length > 40 ? `${x.slice(0, 40)}…` : x;
    return `the string ${JSON.stringify(s)}`;
  }
  if (typeof x === 'function') return 'a function';
  if (typeof x === 'symbol') return `the symbol ${x.description ?? ''}`;
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  if (ArrayBuffer.isView(x) && 'length' in x) {
    return `a ${x.constructor.name} of length ${(x as { length: number }).length}`;
  }
  const proto = Object.getPrototypeOf(x);
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(x as object);
    const shown = keys.slice(0, 6).join(', ') + (keys.length > 6 ? ', …' : '');
    return keys.length === 0 ? 'an empty object {}' : `an object with keys {${shown}}`;
  }
  const name = (x as { constructor?: { name?: string } }).constructor?.name;
  return name ? `a ${name}` : 'an object';
}
