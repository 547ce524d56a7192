// The registry of core ops: every op name with the type of its attributes, and the op that
// has it. Exporters (toDot, ONNX) switch over `CoreOpCall`, or fill a
// `{ [K in OpName]: … }` table, and the compiler flags an op they forgot.

import type { AnyOpDefinition, Op } from '../autograd/define-op.js';
import type { Node } from '../autograd/node.js';
import { absOp } from './abs.js';
import { addOp } from './add.js';
import { type ArgmaxAttrs, argmaxOp } from './argmax.js';
import { type CastAttrs, castOp } from './cast.js';
import { cloneOp } from './clone.js';
import { eqOp, geOp, gtOp, leOp, ltOp } from './compare.js';
import { type ConcatAttrs, concatOp } from './concat.js';
import { divOp } from './div.js';
import { expOp } from './exp.js';
import { type ExpandAttrs, expandOp } from './expand.js';
import { type GatherAttrs, gatherOp, type ScatterAddAttrs, scatterAddOp } from './gather.js';
import {
  type IndexAddAttrs,
  type IndexSelectAttrs,
  indexAddOp,
  indexSelectOp,
} from './index-select.js';
import { type LeakyReluAttrs, leakyReluOp } from './leaky-relu.js';
import { linearOp, linearReluOp } from './linear.js';
import { logOp } from './log.js';
import { logSoftmaxOp } from './log-softmax.js';
import { logsumexpOp } from './logsumexp.js';
import { matmulOp } from './matmul.js';
import { maxOp } from './max.js';
import { maximumOp, minimumOp } from './maximum.js';
import { mulOp } from './mul.js';
import { negOp } from './neg.js';
import { powOp } from './pow.js';
import type { ReduceAttrs } from './reduce.js';
import { reluOp } from './relu.js';
import { leakyReluBackwardOp, reluBackwardOp } from './relu-backward.js';
import { type ReshapeAttrs, reshapeOp } from './reshape.js';
import { sigmoidOp } from './sigmoid.js';
import { signOp } from './sign.js';
import { type PadSliceAttrs, padSliceOp, type SliceAttrs, sliceOp } from './slice.js';
import { type SoftmaxAttrs, softmaxOp } from './softmax.js';
import { sqrtOp } from './sqrt.js';
import { subOp } from './sub.js';
import { sumOp } from './sum.js';
import { tanhOp } from './tanh.js';
import { type TransposeAttrs, transposeOp } from './transpose.js';
import { whereOp } from './where.js';

/** Every core op by name, with the type of its attributes (`undefined` for none). */
export interface OpAttributes {
  abs: undefined;
  add: undefined;
  argmax: ArgmaxAttrs;
  cast: CastAttrs;
  clone: undefined;
  concat: ConcatAttrs;
  div: undefined;
  eq: undefined;
  exp: undefined;
  expand: ExpandAttrs;
  gather: GatherAttrs;
  ge: undefined;
  gt: undefined;
  indexAdd: IndexAddAttrs;
  indexSelect: IndexSelectAttrs;
  le: undefined;
  leakyRelu: LeakyReluAttrs;
  leakyReluBackward: LeakyReluAttrs;
  linear: undefined;
  linearRelu: undefined;
  log: undefined;
  logSoftmax: SoftmaxAttrs;
  logsumexp: ReduceAttrs;
  lt: undefined;
  matmul: undefined;
  max: ReduceAttrs;
  maximum: undefined;
  minimum: undefined;
  mul: undefined;
  neg: undefined;
  padSlice: PadSliceAttrs;
  pow: undefined;
  relu: undefined;
  reluBackward: undefined;
  reshape: ReshapeAttrs;
  scatterAdd: ScatterAddAttrs;
  sigmoid: undefined;
  sign: undefined;
  slice: SliceAttrs;
  softmax: SoftmaxAttrs;
  sqrt: undefined;
  sub: undefined;
  sum: ReduceAttrs;
  tanh: undefined;
  transpose: TransposeAttrs;
  where: undefined;
}

/** The name of a core op. */
export type OpName = keyof OpAttributes;

/** A recorded core op with its attributes, discriminated by name (for exhaustive switches). */
export type CoreOpCall = {
  [K in OpName]: { readonly op: K; readonly attrs: OpAttributes[K] };
}[OpName];

/** The op behind every name: the compiler checks that each has an op with those attributes. */
// biome-ignore lint/suspicious/noExplicitAny: the inputs differ per op; the attributes are checked
export const CORE_OPS: { readonly [K in OpName]: Op<any, OpAttributes[K]> } = {
  abs: absOp,
  add: addOp,
  argmax: argmaxOp,
  cast: castOp,
  clone: cloneOp,
  concat: concatOp,
  div: divOp,
  eq: eqOp,
  exp: expOp,
  expand: expandOp,
  gather: gatherOp,
  ge: geOp,
  gt: gtOp,
  indexAdd: indexAddOp,
  indexSelect: indexSelectOp,
  le: leOp,
  leakyRelu: leakyReluOp,
  leakyReluBackward: leakyReluBackwardOp,
  linear: linearOp,
  linearRelu: linearReluOp,
  log: logOp,
  logSoftmax: logSoftmaxOp,
  logsumexp: logsumexpOp,
  lt: ltOp,
  matmul: matmulOp,
  max: maxOp,
  maximum: maximumOp,
  minimum: minimumOp,
  mul: mulOp,
  neg: negOp,
  padSlice: padSliceOp,
  pow: powOp,
  relu: reluOp,
  reluBackward: reluBackwardOp,
  reshape: reshapeOp,
  scatterAdd: scatterAddOp,
  sigmoid: sigmoidOp,
  sign: signOp,
  slice: sliceOp,
  softmax: softmaxOp,
  sqrt: sqrtOp,
  sub: subOp,
  sum: sumOp,
  tanh: tanhOp,
  transpose: transposeOp,
  where: whereOp,
};

let names: Map<AnyOpDefinition, OpName> | null = null;

/**
 * The core op a node recorded, with its attributes; null for an op defined outside core
 * (a user's `defineOp`, or a loss of `@tapegrad/nn`).
 *
 * @example
 * const call = coreOpCall(loss.gradFn!);
 * if (call?.op === 'sum') call.attrs.dims; // typed: readonly number[]
 */
export function coreOpCall(node: Node): CoreOpCall | null {
  names ??= new Map(
    (Object.keys(CORE_OPS) as OpName[]).map((k) => [CORE_OPS[k].definition, k] as const),
  );
  const op = names.get(node.def);
  return op === undefined ? null : ({ op, attrs: node.attrs } as CoreOpCall);
}

/** Whether a node's op is internal (part of another op's backward, e.g. `reluBackward`). */
export function isInternal(node: Node): boolean {
  return node.def.internal === true;
}
