// defineOp: the extension API. Every built-in op is defined through it, so what users
// write for a new op is exactly what the library does for its own.
//
// Op modules call defineOp while the package is being evaluated, so this module (and the
// presets built on it) imports nothing that imports the op library: it gets the Tensor class
// from tensor-class.ts rather than from tensor.ts.
import { type Arr, copyArray, scalarArray } from '../array.js';
import { type DType, promote } from '../dtype.js';
import { AnomalyError, describeInput, describeValue, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { hasNonFinite, isAnomalyEnabled, isGradEnabled } from './mode.js';
import { type AnyOpContext, Node, type OpContext, savedWhat } from './node.js';
import { getTensorClass } from './tensor-class.js';
import { activeTracer } from './trace.js';
import { COUNTER, counterOf, versionOf } from './version.js';

/** What an op accepts as an input: a tensor, or a number (a constant scalar). */
export type TensorLike = Tensor | number;

/** An op's tensor inputs: a tuple such as `[x: Tensor, w: Tensor]`, or `Tensor[]` for any number. */
export type TensorList = readonly Tensor[];

/** One array per input, in the shape of the input list (what `forward` receives). */
export type ArraysOf<I extends TensorList> = { -readonly [K in keyof I]: Arr };
/** One tensor or number per input (what the op is called with). */
export type LikeOf<I extends TensorList> = { readonly [K in keyof I]: TensorLike };
/** One gradient (or null) per input (what `backward` returns). */
export type GradsOf<I extends TensorList> = { readonly [K in keyof I]: Tensor | null };
/** One flag per input. */
export type FlagsOf<I extends TensorList> = { readonly [K in keyof I]: boolean };

/** What forward and check learn about the op besides its inputs: its name, for errors. */
export interface OpInfo {
  readonly name: string;
}

/**
 * A backward rule: the upstream gradient and the saved context in, one gradient (or null)
 * per input out, written with tensor ops.
 */
export type BackwardRule<I extends TensorList = Tensor[], A = undefined> = (
  dy: Tensor,
  ctx: OpContext<I, A>,
) => GradsOf<I>;

export interface OpDefinition<I extends TensorList = Tensor[], A = undefined> {
  /** The op's name, used in errors, anomaly reports and `toDot`. */
  readonly name: string;
  /**
   * Compute the output from the inputs' arrays (read-only: never write into them). Numbers
   * given as inputs arrive as 0-d arrays of the promoted dtype. `op.name` names the op in
   * errors.
   */
  readonly forward: (inputs: ArraysOf<I>, attrs: A, op: OpInfo) => Arr;
  /**
   * One gradient (or null) per input, written with tensor ops. The engine sums broadcast
   * gradients back to each input's shape and accumulates them. Leave it out for ops that
   * are not differentiable (comparisons, argmax).
   */
  readonly backward?: BackwardRule<I, A>;
  /** Check the inputs before forward runs (throw an error naming `op.name`). */
  readonly check?: (inputs: I, attrs: A, op: OpInfo) => void;
  /** The number of inputs, checked on every call. */
  readonly arity?: number;
  /**
   * The tensors whose values `backward` reads: input positions and/or `'output'` (default:
   * every input and the output). Backward refuses to run when one of them was changed in
   * place after the op ran (see `Tensor.version`); an op that needs only shapes saves `[]`.
   */
  readonly saves?: readonly (number | 'output')[];
  /**
   * The output may be a view of input 0's storage (reshape, transpose, slice, expand). Any
   * other op that returns an input's own storage gets a copy of it instead, so that writing
   * into the output never changes the input.
   */
  readonly view?: boolean;
  /**
   * An op users do not call themselves (a piece of another op's backward, such as
   * `reluBackward`): exporters and graph printers may say so.
   */
  readonly internal?: boolean;
  /**
   * `backward` keeps no reference to its `dy`, nor to the gradients it returns, once it has
   * returned (true of every built-in op). The engine then reuses the memory of gradients it
   * has finished with, and gives a leaf its first gradient without a copy. Leave it unset if
   * the rule stores `dy` or a gradient anywhere (a cache, a log, the context): the engine
   * then neither recycles nor keeps uncopied anything of that rule's.
   */
  readonly statelessBackward?: boolean;
}

/** An op made by `defineOp`: call it with tensors, or `run(inputs, attrs)` with attributes. */
export interface Op<I extends TensorList = Tensor[], A = undefined> {
  (...inputs: LikeOf<I>): Tensor;
  /** Apply the op with its attributes. */
  run(inputs: LikeOf<I>, attrs: A): Tensor;
  readonly opName: string;
  /** The definition the op was made from. */
  readonly definition: OpDefinition<I, A>;
}

/** Any op's definition, whatever its inputs and attributes (as the tape stores them). */
// biome-ignore lint/suspicious/noExplicitAny: the tape holds definitions of every signature
export type AnyOpDefinition = OpDefinition<any, any>;

function toTensors(op: string, inputs: readonly TensorLike[], T: typeof Tensor): Tensor[] {
  const n = inputs.length;
  const out = new Array<Tensor>(n);
  let numbers = false;
  for (let i = 0; i < n; i++) {
    const x = inputs[i];
    if (x instanceof T) out[i] = x;
    else if (typeof x === 'number') numbers = true;
    else {
      throw new ValueError(op, `expected a Tensor or a number as input, got ${describeInput(x)}`);
    }
  }
  if (!numbers) return out;
  // numbers become 0-d tensors of the tensors' promoted dtype (float32 when there are none)
  let dtype: DType | null = null;
  for (let i = 0; i < n; i++) {
    const x = out[i];
    if (x !== undefined) dtype = dtype === null ? x.dtype : promote(dtype, x.dtype);
  }
  const dt = dtype ?? 'float32';
  for (let i = 0; i < n; i++) {
    if (out[i] === undefined) out[i] = new T(scalarArray(inputs[i] as number, dt));
  }
  return out;
}

/** A user's forward may return anything; a Tensor needs an ndarray over float storage. */
function checkForwardResult(op: string, data: unknown, T: typeof Tensor): void {
  const storage = (data as { data?: unknown } | null | undefined)?.data;
  const isNdarray = Array.isArray((data as { shape?: unknown } | null | undefined)?.shape);
  if (isNdarray && (storage instanceof Float32Array || storage instanceof Float64Array)) {
    checkCovers(op, data as Arr);
    return;
  }
  const got =
    data instanceof T
      ? 'a Tensor'
      : isNdarray
        ? `an ndarray over ${(storage as object | null)?.constructor?.name ?? String(storage)}`
        : describeInput(data);
  throw new ValueError(
    op,
    `forward must return an ndarray over a Float32Array or Float64Array, got ${got}`,
  );
}

/**
 * Every element of the view lies inside its storage: a user's `ndarray(new Float64Array(2),
 * [3])` would read past the end (undefined → NaN) where a Tensor expects values.
 */
function checkCovers(op: string, a: Arr): void {
  const { shape, stride, offset } = a;
  let lo = offset;
  let hi = offset;
  let empty = false;
  for (let i = 0; i < shape.length; i++) {
    const n = shape[i]!;
    const s = stride[i]!;
    if (!Number.isInteger(n) || n < 0 || !Number.isInteger(s)) {
      throw new ValueError(
        op,
        `forward returned an ndarray with shape [${shape.join(',')}] and strides [${stride.join(',')}]; expected non-negative integer sizes and integer strides`,
      );
    }
    if (n === 0) empty = true;
    else if (s > 0) hi += (n - 1) * s;
    else lo += (n - 1) * s;
  }
  if (empty) return;
  if (!Number.isInteger(offset) || lo < 0 || hi >= a.data.length) {
    throw new ValueError(
      op,
      `forward returned an ndarray of shape [${shape.join(',')}] (strides [${stride.join(',')}], offset ${offset}) that reaches elements ${lo}…${hi} of a storage of ${a.data.length}; its storage must hold every element`,
    );
  }
}

/** A definition's fields have the types they need (a user's defineOp may be plain JS). */
function checkDefinition(def: unknown): void {
  const d = def as Partial<Record<keyof AnyOpDefinition, unknown>> | null;
  if (typeof d !== 'object' || d === null) {
    throw new ValueError(
      'defineOp',
      `expected a definition { name, forward, backward? }, got ${describeValue(def)}`,
    );
  }
  const name = typeof d.name === 'string' && d.name !== '' ? d.name : null;
  if (name === null) {
    throw new ValueError(
      'defineOp',
      `name must be a non-empty string, got ${describeValue(d.name)}`,
    );
  }
  const fn = (key: string, v: unknown, optional: boolean): void => {
    if ((optional && v === undefined) || typeof v === 'function') return;
    throw new ValueError(
      'defineOp',
      `${name}: ${key} must be a function${optional ? ' (or absent)' : ''}, got ${describeValue(v)}`,
    );
  };
  fn('forward', d.forward, false);
  fn('backward', d.backward, true);
  fn('check', d.check, true);
  const arity = d.arity;
  if (arity !== undefined && !(Number.isSafeInteger(arity) && (arity as number) >= 0)) {
    throw new ValueError(
      'defineOp',
      `${name}: arity must be a whole number ≥ 0, got ${describeValue(arity)}`,
    );
  }
  for (const key of ['view', 'internal', 'statelessBackward'] as const) {
    const v = d[key];
    if (v !== undefined && typeof v !== 'boolean') {
      throw new ValueError(
        'defineOp',
        `${name}: ${key} must be a boolean (or absent), got ${describeValue(v)}`,
      );
    }
  }
  const saves = d.saves;
  if (saves === undefined) return;
  const ok =
    Array.isArray(saves) &&
    saves.every(
      (w) =>
        w === 'output' ||
        (Number.isSafeInteger(w) && w >= 0 && (arity === undefined || w < (arity as number))),
    );
  if (!ok) {
    throw new ValueError(
      'defineOp',
      `${name}: saves must list input positions${arity === undefined ? '' : ` below ${arity}`} and/or 'output', got ${describeValue(saves)}`,
    );
  }
}

/** Whether `data` is over one of the inputs' storage. */
function sharesStorage(inputs: readonly Tensor[], data: Arr): boolean {
  for (let i = 0; i < inputs.length; i++) if (inputs[i]!.data.data === data.data) return true;
  return false;
}

const NO_VERSIONS: readonly number[] = Object.freeze([]);

/** The versions of the tensors backward reads (see `savedWhat`), as the op ran. */
function savedVersions(
  def: AnyOpDefinition,
  inputs: readonly Tensor[],
  output: Tensor,
): readonly number[] {
  const saves = def.saves;
  const n = saves === undefined ? inputs.length + 1 : saves.length;
  if (n === 0) return NO_VERSIONS;
  const versions = new Array<number>(n);
  for (let k = 0; k < n; k++) {
    const w = savedWhat(saves, inputs.length, k);
    const t = w === 'output' ? output : inputs[w];
    versions[k] = t === undefined ? 0 : versionOf(t);
  }
  return versions;
}

/**
 * Define a differentiable op. The input list's type (a tuple) types `forward`'s arrays and
 * the backward rule's inputs and gradients; `A` is the type of the op's attributes.
 *
 * @example
 * const cube = defineOp<[x: Tensor]>({
 *   name: 'cube',
 *   forward: ([x]) => map3(x),            // a new array from the input arrays
 *   backward: (dy, { inputs: [x] }) => [dy.mul(x.pow(2)).mul(3)],
 * });
 * cube(t);
 */
export function defineOp<I extends TensorList = Tensor[], A = undefined>(
  def: OpDefinition<NoInfer<I>, A>,
): Op<I, A> {
  checkDefinition(def);
  const info: OpInfo = { name: def.name };
  const { arity, check, forward, backward } = def;
  const view = def.view === true;
  const run = (inputs: LikeOf<I>, attrs: A): Tensor => {
    const name = info.name;
    const n = inputs.length;
    if (arity !== undefined && n !== arity) {
      throw new ValueError(name, `expected ${arity} input(s), got ${n}`);
    }
    const T = getTensorClass();
    const ts = toTensors(name, inputs as readonly TensorLike[], T);
    if (check !== undefined) check(ts as unknown as I, attrs, info);
    const arrays = new Array<Arr>(n);
    for (let i = 0; i < n; i++) arrays[i] = ts[i]!.data;
    let data = forward(arrays as unknown as ArraysOf<I>, attrs, info);
    checkForwardResult(name, data, T);
    if (!view && sharesStorage(ts, data)) {
      // the output would alias an input: a write into one would change the other
      data = copyArray(data);
    }
    if (
      isAnomalyEnabled() &&
      hasNonFinite(data.data) &&
      !ts.some((t) => hasNonFinite(t.data.data))
    ) {
      throw new AnomalyError(
        name,
        'forward',
        `produced a NaN or Inf from finite inputs (output shape [${data.shape.join(',')}])`,
      );
    }
    let record = false;
    if (backward !== undefined && isGradEnabled()) {
      for (let i = 0; i < n; i++) {
        if (ts[i]!.requiresGrad) {
          record = true;
          break;
        }
      }
    }
    const out = new T(data, record);
    // a view shares its base's storage, so its version counter too
    if (view && n > 0 && data.data === ts[0]!.data.data) out[COUNTER] = counterOf(ts[0]!);
    if (record) {
      const needsInputGrad = new Array<boolean>(n);
      for (let i = 0; i < n; i++) needsInputGrad[i] = ts[i]!.requiresGrad;
      const ctx: AnyOpContext = { inputs: ts, output: out, attrs, needsInputGrad };
      out.gradFn = new Node(def, ts, ctx, savedVersions(def, ts, out));
    }
    const trace = activeTracer();
    if (trace !== null) trace({ def, inputs: ts, attrs, output: out });
    return out;
  };
  const op = ((...inputs: LikeOf<I>) => run(inputs, undefined as A)) as Op<I, A>;
  op.run = run;
  Object.defineProperty(op, 'opName', { value: def.name });
  Object.defineProperty(op, 'definition', { value: def });
  Object.defineProperty(op, 'name', { value: def.name });
  return op;
}
