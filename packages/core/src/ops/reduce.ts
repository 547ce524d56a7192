// The reduction preset, and what reductions share: dims normalization, output shapes and the
// kernel call. (Like defineOp, nothing here imports an op: op modules call it while loading.)
import { checkTensor } from '../args.js';
import { type Arr, arrayDtype, emptyArray } from '../array.js';
import { type BackwardRule, defineOp, type Op } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import type { ReduceKind } from '../backend/kernels.js';
import { kernels } from '../backend/registry.js';
import { fmtShape, ShapeError } from '../errors.js';
import { normalizeDims, reducedShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** The attributes of a reduction: which dims (sorted, non-negative) and whether to keep them. */
export interface ReduceAttrs {
  readonly dims: readonly number[];
  readonly keepdim: boolean;
}

/**
 * The attributes of reducing x over `dim` (a dim, a list, or every dim when undefined);
 * a ShapeError naming `op` for a dim out of range or repeated.
 */
export function reduceAttrs(
  op: string,
  x: Tensor,
  dim: number | readonly number[] | undefined,
  keepdim: boolean,
): ReduceAttrs {
  checkTensor(op, x);
  return { dims: normalizeDims(op, dim, x.shape), keepdim };
}

/**
 * A max-like reduction (max, argmax) over a dim of size 0 has no answer: a ShapeError, as
 * in PyTorch. (sum gives 0 and mean NaN, and logsumexp -Inf, so they need no check.)
 */
export function checkNonEmptyDims(
  op: string,
  shape: readonly number[],
  dims: readonly number[],
): void {
  const d = dims.find((i) => shape[i] === 0);
  if (d !== undefined) {
    throw new ShapeError(
      op,
      `cannot reduce over dim ${d} of size 0 (shape ${fmtShape(shape)}); the maximum of no values is undefined`,
      [shape],
    );
  }
}

/**
 * sum or max of an array (or of `pre` of it, fused) over dims, shaped as the reduction's
 * output, in x's dtype.
 */
export function reduceArray(
  x: Arr,
  { dims, keepdim }: ReduceAttrs,
  kind: ReduceKind,
  pre?: E.Expr,
): Arr {
  const out = emptyArray(reducedShape(x.shape, dims, keepdim), arrayDtype(x));
  kernels().reduce(kind, x, dims, out.data, pre);
  return out;
}

export interface ReductionDefinition {
  /** The op's name, used in errors, anomaly reports and `toDot`. */
  readonly name: string;
  /** What the kernel computes: 'sum' or 'max' (max refuses to reduce a dim of size 0). */
  readonly kind: ReduceKind;
  /**
   * An elementwise expression of each element, reduced instead of the element itself (in
   * the same pass: no temporary). @example map: (x) => E.mul(x, x) // a sum of squares
   */
  readonly map?: (x: E.Expr) => E.Expr;
  /** The gradient of the input; `spread` and `keepDims` (reduce-grad.ts) put dy back in the input's shape. */
  readonly backward?: BackwardRule<[x: Tensor], ReduceAttrs>;
  /** backward keeps no reference to dy or to its gradients (see `OpDefinition.statelessBackward`). */
  readonly statelessBackward?: boolean;
  /** The tensors whose values backward reads (see `OpDefinition.saves`; default: all). */
  readonly saves?: readonly (0 | 'output')[];
}

/**
 * Define a reduction over some dims; call it with `op.run([x], reduceAttrs(name, x, dim, keepdim))`.
 *
 * @example
 * const sumOp = reductionOp({
 *   name: 'sum',
 *   kind: 'sum',
 *   backward: (dy, { inputs: [x], attrs }) => [spread(dy, x.shape, attrs)],
 * });
 */
export function reductionOp(def: ReductionDefinition): Op<[x: Tensor], ReduceAttrs> {
  const pre = def.map?.(E.input(0));
  return defineOp<[x: Tensor], ReduceAttrs>({
    name: def.name,
    arity: 1,
    ...(def.kind === 'max'
      ? { check: ([x], { dims }, op) => checkNonEmptyDims(op.name, x.shape, dims) }
      : {}),
    forward: ([x], attrs) => reduceArray(x, attrs, def.kind, pre),
    ...(def.backward === undefined ? {} : { backward: def.backward }),
    ...(def.statelessBackward === undefined ? {} : { statelessBackward: def.statelessBackward }),
    ...(def.saves === undefined ? {} : { saves: def.saves }),
  });
}
