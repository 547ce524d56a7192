// Creation functions: from data, constants, ranges, and seeded random values.
import type { NdArray } from 'ndarray';
import { checkBoolean, checkOptions } from './args.js';
import { makeArray } from './array.js';
import { allocate, checkDtype, type DType, type FloatArray } from './dtype.js';
import { DTypeError, describeValue, fmtShape, ShapeError, ValueError } from './errors.js';
import { type Rng, rngArg } from './random.js';
import { checkRank, checkShape, sizeOf } from './shape.js';
import { fromBuffer, type NestedArray, Tensor } from './tensor.js';

export interface CreateOptions {
  /** 'float32' (default) or 'float64'. */
  readonly dtype?: DType;
  readonly requiresGrad?: boolean;
}

export interface TensorOptions extends CreateOptions {
  /** The shape of flat data (a typed array or a flat list); required for a typed array of rank ≠ 1. */
  readonly shape?: readonly number[];
}

export interface RandomOptions extends CreateOptions {
  /** The generator to draw from; the default one (see `manualSeed`) if absent. */
  readonly rng?: Rng;
}

type Data = NestedArray | readonly NestedArray[] | ArrayLike<number>;

/** Infer the shape of nested arrays, checking that they are not ragged. */
function inferShape(data: Data): number[] {
  const shape: number[] = [];
  let cur: unknown = data;
  while (Array.isArray(cur)) {
    // nesting deeper than MAX_RANK is refused before anything is walked or built
    checkRank('tensor', shape.length + 1, 'nested arrays');
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function fill(op: string, data: unknown, shape: readonly number[], out: FloatArray): void {
  let pos = 0;
  const walk = (x: unknown, dim: number, path: number[]): void => {
    if (dim === shape.length) {
      if (typeof x !== 'number') {
        throw new ValueError(
          op,
          `expected a number at [${path.join('][')}], got ${Array.isArray(x) ? 'an array (the nested arrays are ragged)' : typeof x}`,
        );
      }
      out[pos++] = x;
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[dim]) {
      const got = Array.isArray(x) ? `length ${x.length}` : typeof x;
      throw new ValueError(
        op,
        `ragged nested arrays: at [${path.join('][')}] expected an array of length ${shape[dim]} (shape ${fmtShape(shape)}), got ${got}`,
      );
    }
    for (let i = 0; i < x.length; i++) walk(x[i], dim + 1, [...path, i]);
  };
  walk(data, 0, []);
}

/**
 * A tensor from a number, nested arrays, or a typed array / flat list with `shape`.
 *
 * @example
 * tensor([[1, 2], [3, 4]]);                                  // float32 [2, 2]
 * tensor(new Float64Array(6), { shape: [2, 3] });            // dtype from the array
 * tensor(3, { dtype: 'float64', requiresGrad: true });       // a scalar, shape []
 */
export function tensor(data: Data, options: TensorOptions = {}): Tensor {
  const op = 'tensor';
  checkOptions(op, options, ['dtype', 'requiresGrad', 'shape']);
  const requiresGrad = checkBoolean(op, 'requiresGrad', options.requiresGrad, false);
  if (
    ArrayBuffer.isView(data) ||
    (options.shape !== undefined && Array.isArray(data) && !data.some(Array.isArray))
  ) {
    const flat = data as ArrayLike<number>;
    const dtype = options.dtype ?? (flat instanceof Float64Array ? 'float64' : 'float32');
    checkDtype(op, dtype);
    const shape = options.shape === undefined ? [flat.length] : checkShape(op, [...options.shape]);
    if (sizeOf(shape) !== flat.length) {
      throw new ShapeError(
        op,
        `shape ${fmtShape(shape)} needs ${sizeOf(shape)} values but the data has ${flat.length}`,
        [shape],
      );
    }
    const buf = allocateFor(op, dtype, shape);
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i]!;
      // a typed array holds numbers; a plain list may hold anything
      if (typeof v !== 'number') {
        throw new ValueError(
          op,
          `expected a number at [${i}], got ${v === null ? 'null' : typeof v}`,
        );
      }
      buf[i] = v;
    }
    return fromBuffer(buf, shape, requiresGrad);
  }
  if (typeof data !== 'number' && !Array.isArray(data)) {
    throw new ValueError(
      op,
      `expected a number, nested arrays or a typed array, got ${data === null ? 'null' : typeof data}`,
    );
  }
  const dtype = checkDtype(op, options.dtype ?? 'float32');
  const shape = inferShape(data);
  const buf = allocateFor(op, dtype, shape);
  fill(op, data, shape, buf);
  if (options.shape !== undefined) {
    const want = checkShape(op, [...options.shape]);
    if (sizeOf(want) !== buf.length) {
      throw new ShapeError(
        op,
        `shape ${fmtShape(want)} needs ${sizeOf(want)} values but the data has ${buf.length}`,
        [want, shape],
      );
    }
    return fromBuffer(buf, want, requiresGrad);
  }
  return fromBuffer(buf, shape, requiresGrad);
}

/**
 * A new buffer for a tensor of `shape` made by `op`; a ValueError naming the op and the count
 * (not the engine's RangeError) when it is too large to allocate.
 */
function allocateFor(op: string, dtype: DType, shape: readonly number[]): FloatArray {
  const n = sizeOf(shape);
  try {
    return allocate(dtype, n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ValueError(op, `cannot allocate ${n} ${dtype} values (shape ${fmtShape(shape)})`);
  }
}

/** `value` everywhere, for the creation function `op`: its errors name `op`. */
function filled(
  op: string,
  shape: readonly number[],
  value: number,
  options: CreateOptions,
  known: readonly string[] = CREATE_OPTIONS,
): Tensor {
  checkOptions(op, options, known);
  const s = checkShape(op, Array.isArray(shape) ? [...shape] : shape);
  if (typeof value !== 'number') {
    throw new ValueError(op, `value must be a number, got ${describeValue(value)}`);
  }
  const requiresGrad = checkBoolean(op, 'requiresGrad', options.requiresGrad, false);
  const buf = allocateFor(op, checkDtype(op, options.dtype ?? 'float32'), s);
  if (value !== 0) buf.fill(value);
  return fromBuffer(buf, s, requiresGrad);
}

const CREATE_OPTIONS = ['dtype', 'requiresGrad'];
const RANDOM_OPTIONS = ['dtype', 'requiresGrad', 'rng'];

/** `t` if it is a Tensor, else a ValueError naming `op`. */
function tensorArg(op: string, t: unknown): Tensor {
  if (!(t instanceof Tensor))
    throw new ValueError(op, `expected a Tensor, got ${describeValue(t)}`);
  return t;
}

/** A tensor of `value` everywhere. */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/** Zeros with the shape and dtype of `t`. */
export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  const o = checkOptions('zerosLike', options, CREATE_OPTIONS);
  return filled('zerosLike', tensorArg('zerosLike', t).shape, 0, { dtype: t.dtype, ...o });
}

/** Ones with the shape and dtype of `t`. */
export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  const o = checkOptions('onesLike', options, CREATE_OPTIONS);
  return filled('onesLike', tensorArg('onesLike', t).shape, 1, { dtype: t.dtype, ...o });
}

/** Standard normal samples, from `options.rng` or the default generator. */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const t = filled('randn', shape, 0, options, RANDOM_OPTIONS);
  const rng = rngArg('randn', options.rng);
  const d = t.data.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.normal();
  return t;
}

/** Uniform samples in [0, 1). */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const t = filled('rand', shape, 0, options, RANDOM_OPTIONS);
  const rng = rngArg('rand', options.rng);
  const d = t.data.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.random();
  return t;
}

/** `start, start + step, …` below `end`; `arange(n)` is `0 … n-1`. */
export function arange(start: number, end?: number, step = 1, options: CreateOptions = {}): Tensor {
  checkOptions('arange', options, CREATE_OPTIONS);
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step))
    throw new ValueError('arange', `step must be a finite non-zero number, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(end))
    throw new ValueError('arange', `start and end must be finite numbers, got ${start} and ${end}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const requiresGrad = checkBoolean('arange', 'requiresGrad', options.requiresGrad, false);
  const buf = allocateFor('arange', checkDtype('arange', options.dtype ?? 'float32'), [n]);
  for (let i = 0; i < n; i++) buf[i] = start + i * step;
  return fromBuffer(buf, [n], requiresGrad);
}

/** `n` evenly spaced values from `start` to `end` inclusive. */
export function linspace(
  start: number,
  end: number,
  n: number,
  options: CreateOptions = {},
): Tensor {
  checkOptions('linspace', options, CREATE_OPTIONS);
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError('linspace', `n must be a non-negative integer, got ${describeValue(n)}`);
  if (!Number.isFinite(start) || !Number.isFinite(end))
    throw new ValueError(
      'linspace',
      `start and end must be finite numbers, got ${describeValue(start)} and ${describeValue(end)}`,
    );
  const requiresGrad = checkBoolean('linspace', 'requiresGrad', options.requiresGrad, false);
  const buf = allocateFor('linspace', checkDtype('linspace', options.dtype ?? 'float32'), [n]);
  for (let i = 0; i < n; i++) buf[i] = n === 1 ? start : start + ((end - start) * i) / (n - 1);
  return fromBuffer(buf, [n], requiresGrad);
}

/** The `n × m` identity (m defaults to n). */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  const t = filled('eye', [n, m], 0, options);
  for (let i = 0; i < Math.min(n, m); i++) t.data.data[i * m + i] = 1;
  return t;
}

/** Wrap an existing ndarray (float32 or float64) as a tensor; shares its storage. */
export function fromNdarray(array: NdArray, options: { requiresGrad?: boolean } = {}): Tensor {
  checkOptions('fromNdarray', options, ['requiresGrad']);
  const d = (array as { data?: unknown } | null)?.data;
  if (!(d instanceof Float32Array || d instanceof Float64Array)) {
    throw new DTypeError(
      'fromNdarray',
      `expected an ndarray over a Float32Array or Float64Array, got ${(d as object)?.constructor?.name ?? typeof d}`,
    );
  }
  checkRank('fromNdarray', array.shape.length, 'an ndarray');
  return new Tensor(
    makeArray(d, array.shape, array.stride, array.offset),
    checkBoolean('fromNdarray', 'requiresGrad', options.requiresGrad, false),
  );
}
