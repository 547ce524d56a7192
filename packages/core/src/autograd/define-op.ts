// defineOp: the extension API. Every built-in op is defined through it, so what users
// write for a new op is exactly what the library does for its own.
import type { NdArray } from 'ndarray';
import { type DType, promote } from '../dtype.js';
import { AnomalyError, ValueError } from '../errors.js';
import { scalarTensor, Tensor } from '../tensor.js';
import { hasNonFinite, isAnomalyEnabled, isGradEnabled } from './mode.js';
import { type BackwardRule, Node, type OpContext } from './node.js';

/** What an op accepts as an input: a tensor, or a number (a constant scalar). */
export type TensorLike = Tensor | number;

export interface OpDefinition<A = undefined> {
  /** The op's name, used in errors, anomaly reports and `toDot`. */
  readonly name: string;
  /**
   * Compute the output from the inputs' ndarrays (read-only: never write into them).
   * Numbers given as inputs arrive as 0-d arrays of the promoted dtype.
   */
  readonly forward: (
    inputs: NdArray<Float32Array | Float64Array>[],
    attrs: A,
  ) => NdArray<Float32Array | Float64Array>;
  /**
   * One gradient (or null) per input, written with tensor ops. The engine sums broadcast
   * gradients back to each input's shape and accumulates them. Leave it out for ops that
   * are not differentiable (comparisons, argmax).
   */
  readonly backward?: BackwardRule<A>;
  /** Check the inputs before forward runs (throw a ShapeError naming the op). */
  readonly check?: (inputs: readonly Tensor[], attrs: A) => void;
  /** The number of inputs, checked on every call. */
  readonly arity?: number;
}

/** An op made by `defineOp`: call it with tensors, or `run(inputs, attrs)` with attributes. */
export interface Op<A = undefined> {
  (...inputs: TensorLike[]): Tensor;
  /** Apply the op with its attributes. */
  run(inputs: readonly TensorLike[], attrs: A): Tensor;
  readonly opName: string;
}

function toTensors(op: string, inputs: readonly TensorLike[]): Tensor[] {
  let dtype: DType | null = null;
  for (const x of inputs) {
    if (x instanceof Tensor) dtype = dtype === null ? x.dtype : promote(dtype, x.dtype);
    else if (typeof x !== 'number') {
      throw new ValueError(op, `expected a Tensor or a number as input, got ${describe(x)}`);
    }
  }
  const dt = dtype ?? 'float32';
  return inputs.map((x) => (x instanceof Tensor ? x : scalarTensor(x, dt)));
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return 'an array (wrap it with tensor(...))';
  return typeof x === 'object' ? (x.constructor?.name ?? 'an object') : typeof x;
}

/** A user's forward may return anything; a Tensor needs an ndarray over float storage. */
function checkForwardResult(op: string, data: unknown): void {
  const storage = (data as { data?: unknown } | null | undefined)?.data;
  const isNdarray = Array.isArray((data as { shape?: unknown } | null | undefined)?.shape);
  if (isNdarray && (storage instanceof Float32Array || storage instanceof Float64Array)) return;
  const got =
    data instanceof Tensor
      ? 'a Tensor'
      : isNdarray
        ? `an ndarray over ${(storage as object | null)?.constructor?.name ?? String(storage)}`
        : describe(data);
  throw new ValueError(
    op,
    `forward must return an ndarray over a Float32Array or Float64Array, got ${got}`,
  );
}

/**
 * Define a differentiable op.
 *
 * @example
 * const cube = defineOp({
 *   name: 'cube',
 *   forward: ([x]) => map3(x),            // a new ndarray from the input ndarrays
 *   backward: (dy, { inputs: [x] }) => [dy.mul(x.pow(2)).mul(3)],
 * });
 * cube(t);
 */
export function defineOp<A = undefined>(def: OpDefinition<A>): Op<A> {
  const { name } = def;
  const run = (inputs: readonly TensorLike[], attrs: A): Tensor => {
    if (def.arity !== undefined && inputs.length !== def.arity) {
      throw new ValueError(name, `expected ${def.arity} input(s), got ${inputs.length}`);
    }
    const ts = toTensors(name, inputs);
    def.check?.(ts, attrs);
    const data = def.forward(
      ts.map((t) => t.data),
      attrs,
    );
    checkForwardResult(name, data);
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
    const out = new Tensor(data, record);
    if (record) {
      const ctx: OpContext<A> = { inputs: ts, output: out, attrs };
      out.gradFn = new Node(
        name,
        ts,
        def.backward as BackwardRule<unknown>,
        ctx as OpContext<unknown>,
      );
    }
    return out;
  };
  const op = ((...inputs: TensorLike[]) => run(inputs, undefined as A)) as Op<A>;
  op.run = run;
  Object.defineProperty(op, 'opName', { value: name });
  Object.defineProperty(op, 'name', { value: name });
  return op;
}
