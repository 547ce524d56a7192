// A node of the tape: one recorded op application.
import type { Tensor } from '../tensor.js';

/** What a backward rule receives besides the upstream gradient. */
export interface OpContext<A = undefined> {
  /** The op's inputs, as tensors (numbers were wrapped as constant scalars). */
  readonly inputs: readonly Tensor[];
  /** The op's output. */
  readonly output: Tensor;
  /** The op's non-tensor attributes (a dim, a slope). */
  readonly attrs: A;
}

export type BackwardRule<A> = (dy: Tensor, ctx: OpContext<A>) => readonly (Tensor | null)[];

let nextSeq = 0;

export class Node {
  /** Creation order; decreasing sequence is a topological order for backward. */
  readonly seq = nextSeq++;
  /** Saved context; null once a backward without `retainGraph` has released it. */
  ctx: OpContext<unknown> | null;

  constructor(
    readonly op: string,
    readonly inputs: readonly Tensor[],
    readonly rule: BackwardRule<unknown>,
    ctx: OpContext<unknown>,
  ) {
    this.ctx = ctx;
  }
}
