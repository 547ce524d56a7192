// The elementwise preset: an op given by an expression of its inputs (and of numeric
// attributes) and a backward rule. Broadcasting, dtype promotion, the output's allocation and
// the kernel call are done here, once for every elementwise op.
import { type Arr, uninitializedArray } from '../array.js';
import { type BackwardRule, defineOp, type Op, type OpInfo } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import { kernels } from '../backend/registry.js';
import type { DType } from '../dtype.js';
import { broadcastShapes, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** The broadcast shape of the inputs, or a ShapeError naming `op` and the shapes. */
export function broadcastAll(op: string, xs: readonly { shape: readonly number[] }[]): number[] {
  let shape: number[] = [];
  for (const x of xs) shape = broadcastShapes(op, shape, x.shape);
  return shape;
}

/**
 * The inputs' broadcast shape: an input's own when every input has its shape or is 0-d (a
 * number operand), which broadcasts to any shape.
 */
function outShape(op: string, xs: readonly Arr[]): readonly number[] {
  if (xs.length === 0) return [];
  let shape = xs[0]!.shape;
  for (let i = 1; i < xs.length; i++) {
    const s = xs[i]!.shape;
    if (s.length === 0 || sameShape(s, shape)) continue;
    if (shape.length === 0) shape = s;
    else return broadcastAll(op, xs);
  }
  return shape;
}

/** The promoted dtype of arrays: float64 if any is, else float32. */
export function promoteAll(xs: readonly { readonly data: Arr['data'] }[]): DType {
  for (let i = 0; i < xs.length; i++) if (xs[i]!.data instanceof Float64Array) return 'float64';
  return 'float32';
}

/** A tuple of `N` tensors (`[Tensor, Tensor]` for 2). */
export type TensorTuple<N extends number, R extends Tensor[] = []> = number extends N
  ? Tensor[]
  : R['length'] extends N
    ? R
    : TensorTuple<N, [...R, Tensor]>;

/** A tuple of `N` expressions, one per input. */
export type ExprTuple<N extends number> = E.Exprs<N>;

/** The numeric attributes of A (those an expression may use as run-time parameters). */
export type NumericKeys<A> = {
  [K in keyof A]: A[K] extends number ? K : never;
}[keyof A] &
  string;

export interface ElementwiseDefinition<N extends number, A> {
  /** The op's name, used in errors, anomaly reports and `toDot`. */
  readonly name: string;
  /** The number of tensor inputs. */
  readonly arity: N;
  /**
   * The output as an expression of the inputs, and of the numeric attributes listed in
   * `params` (passed to the kernel at run time, so one compiled kernel serves every value).
   */
  readonly expr: (inputs: ExprTuple<N>, params: Readonly<Record<NumericKeys<A>, E.Expr>>) => E.Expr;
  /** The numeric attributes the expression uses. */
  readonly params?: readonly NumericKeys<A>[];
  /** The gradient of each input (omit for ops that are not differentiable). */
  readonly backward?: BackwardRule<TensorTuple<N>, A>;
  /** The tensors whose values backward reads (see `OpDefinition.saves`; default: all). */
  readonly saves?: readonly (number | 'output')[];
  /** The output's dtype (default: float64 if any input is, else float32). */
  readonly dtype?: (inputs: readonly Arr[]) => DType;
  /** An op users do not call themselves (see `OpDefinition.internal`). */
  readonly internal?: boolean;
  /** backward keeps no reference to dy or to its gradients (see `OpDefinition.statelessBackward`). */
  readonly statelessBackward?: boolean;
}

const NO_PARAMS: readonly number[] = [];

/**
 * Define an elementwise op from an expression and a backward rule: inputs broadcast
 * (NumPy rules) and promote (float64 if any input is).
 *
 * @example
 * import { E, elementwiseOp } from '@tapegrad/core/op-kit';
 *
 * const hypot = elementwiseOp({
 *   name: 'hypot',
 *   arity: 2,
 *   expr: ([a, b]) => E.sqrt(E.add(E.mul(a, a), E.mul(b, b))),
 *   backward: (dy, { inputs: [a, b], output, needsInputGrad }) => [
 *     needsInputGrad[0] ? dy.mul(a).div(output) : null,
 *     needsInputGrad[1] ? dy.mul(b).div(output) : null,
 *   ],
 * });
 * hypot(tensor([3]), tensor([4])); // [5]
 */
export function elementwiseOp<N extends number, A = undefined>(
  def: ElementwiseDefinition<N, A>,
): Op<TensorTuple<N>, A> {
  const paramNames = def.params ?? [];
  const paramExprs = Object.fromEntries(paramNames.map((k, i) => [k, E.param(i)])) as Record<
    NumericKeys<A>,
    E.Expr
  >;
  const expr = def.expr(E.inputs(def.arity), paramExprs);
  const dtypeOf = def.dtype;
  const forward = (xs: readonly Arr[], attrs: A, op: OpInfo): Arr => {
    // the map writes every value of out
    const out = uninitializedArray(outShape(op.name, xs), dtypeOf?.(xs) ?? promoteAll(xs));
    const params =
      paramNames.length === 0
        ? NO_PARAMS
        : paramNames.map((k) => (attrs as Record<string, number>)[k]!);
    kernels().map(expr, xs, out, params);
    return out;
  };
  return defineOp<TensorTuple<N>, A>({
    name: def.name,
    arity: def.arity,
    forward: (xs, attrs, op) => forward(xs as unknown as readonly Arr[], attrs, op),
    ...(def.backward === undefined ? {} : { backward: def.backward }),
    ...(def.saves === undefined ? {} : { saves: def.saves }),
    ...(def.internal === undefined ? {} : { internal: def.internal }),
    ...(def.statelessBackward === undefined ? {} : { statelessBackward: def.statelessBackward }),
  });
}
