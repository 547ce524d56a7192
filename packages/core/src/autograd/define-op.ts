// defineOp: the extension API. Every built-in op is defined through it, so what users
// write for a new op is exactly what the library does for its own.
//
// Op modules call defineOp while the package is being evaluated, so this module (and the
// presets built on it) imports nothing that imports the op library: it gets the Tensor class
// from tensor-class.ts rather than from tensor.ts.
import { type Arr, scalarArray } from '../array.js';
import { type DType, promote } from '../dtype.js';
import { AnomalyError, describeInput, ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { hasNonFinite, isAnomalyEnabled, isGradEnabled } from './mode.js';
import { type AnyOpContext, Node, type OpContext } from './node.js';
import { getTensorClass } from './tensor-class.js';

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
   * An op users do not call themselves (a piece of another op's backward, such as
   * `reluBackward`): exporters and graph printers may say so.
   */
  readonly internal?: boolean;
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
  let dtype: DType | null = null;
  for (const x of inputs) {
    if (x instanceof T) dtype = dtype === null ? x.dtype : promote(dtype, x.dtype);
    else if (typeof x !== 'number') {
      throw new ValueError(op, `expected a Tensor or a number as input, got ${describeInput(x)}`);
    }
  }
  const dt = dtype ?? 'float32';
  return inputs.map((x) => (x instanceof T ? x : new T(scalarArray(x, dt))));
}

/** A user's forward may return anything; a Tensor needs an ndarray over float storage. */
function checkForwardResult(op: string, data: unknown, T: typeof Tensor): void {
  const storage = (data as { data?: unknown } | null | undefined)?.data;
  const isNdarray = Array.isArray((data as { shape?: unknown } | null | undefined)?.shape);
  if (isNdarray && (storage instanceof Float32Array || storage instanceof Float64Array)) return;
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
  const info: OpInfo = { name: def.name };
  const run = (inputs: LikeOf<I>, attrs: A): Tensor => {
    const name = info.name;
    if (def.arity !== undefined && inputs.length !== def.arity) {
      throw new ValueError(name, `expected ${def.arity} input(s), got ${inputs.length}`);
    }
    const T = getTensorClass();
    const ts = toTensors(name, inputs, T) as unknown as I;
    def.check?.(ts, attrs, info);
    const data = def.forward(ts.map((t) => t.data) as unknown as ArraysOf<I>, attrs, info);
    checkForwardResult(name, data, T);
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
    const record = def.backward !== undefined && isGradEnabled() && ts.some((t) => t.requiresGrad);
    const out = new T(data, record);
    if (record) {
      const needsInputGrad = ts.map((t) => t.requiresGrad) as unknown as FlagsOf<I>;
      const ctx: OpContext<I, A> = { inputs: ts, output: out, attrs, needsInputGrad };
      out.gradFn = new Node(def, ts, ctx as unknown as AnyOpContext);
    }
    return out;
  };
  const op = ((...inputs: LikeOf<I>) => run(inputs, undefined as A)) as Op<I, A>;
  op.run = run;
  Object.defineProperty(op, 'opName', { value: def.name });
  Object.defineProperty(op, 'definition', { value: def });
  Object.defineProperty(op, 'name', { value: def.name });
  return op;
}
