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
