// A node of the tape: one recorded op application.

import type { Tensor } from '../tensor.js';
import type { AnyOpDefinition, BackwardRule, FlagsOf, TensorList } from './define-op.js';

/** What a backward rule receives besides the upstream gradient. */
export interface OpContext<I extends TensorList = Tensor[], A = undefined> {
  /** The op's inputs, as tensors (numbers were wrapped as constant scalars). */
  readonly inputs: I;
  /** The op's output. */
  readonly output: Tensor;
  /** The op's non-tensor attributes (a dim, a slope). */
  readonly attrs: A;
  /** Whether each input required grad when the op ran (a rule may skip the others' gradients). */
  readonly needsInputGrad: FlagsOf<I>;
}

/**
 * Which tensor the k-th saved version belongs to: `saves[k]` (an input's position or
 * `'output'`), or with no `saves`, input k and then, after the inputs, the output.
 */
export function savedWhat(
  saves: readonly (number | 'output')[] | undefined,
  nInputs: number,
  k: number,
): number | 'output' {
  if (saves !== undefined) return saves[k]!;
  return k < nInputs ? k : 'output';
}

/** A context as the tape stores it, whatever the op's signature. */
export type AnyOpContext = OpContext<Tensor[], unknown>;

let nextSeq = 0;

export class Node {
  /** Creation order; decreasing sequence is a topological order for backward. */
  readonly seq = nextSeq++;
  /** The op's name (its definition's). */
  readonly op: string;
  /** The op's attributes (kept after backward releases the context, for graph printers). */
  readonly attrs: unknown;
  /** Saved context; null once a backward without `retainGraph` has released it. */
  ctx: AnyOpContext | null;
  /**
   * @internal The gradient waiting here during a backward pass, until the node's rule runs
   * (null outside a pass): a field rather than a Map entry, which cost a hash per node.
   */
  pending: Tensor | null = null;

  constructor(
    /** The definition of the op that ran. */
    readonly def: AnyOpDefinition,
    readonly inputs: readonly Tensor[],
    ctx: AnyOpContext,
    /**
     * The versions of the tensors backward reads, when the op ran (see `savedWhat`), checked
     * before the rule runs.
     */
    readonly versions: readonly number[] = [],
  ) {
    this.op = def.name;
    this.attrs = ctx.attrs;
    this.ctx = ctx;
  }

  /** The op's backward rule. */
  get rule(): BackwardRule<Tensor[], unknown> {
    return this.def.backward as BackwardRule<Tensor[], unknown>;
  }
}
