// A node of the tape: one recorded op application.

import type { Tensor } from '../tensor.js';
import type { AnyOpDefinition, BackwardRule, FlagsOf, TensorList } from './define-op.js';
import { versionOf } from './version.js';

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

/** A tensor an op's backward reads, and its version when the op ran. */
export class SavedTensor {
  /** The tensor's version when it was saved. */
  readonly version: number;
  constructor(
    readonly tensor: Tensor,
    /** Which one: an input's position, or the output. */
    readonly what: number | 'output',
  ) {
    this.version = versionOf(tensor);
  }
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

  constructor(
    /** The definition of the op that ran. */
    readonly def: AnyOpDefinition,
    readonly inputs: readonly Tensor[],
    ctx: AnyOpContext,
    /** The tensors backward reads, with their versions (checked before the rule runs). */
    readonly saved: readonly SavedTensor[] = [],
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
