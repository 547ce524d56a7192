// The engine: reverse mode over the tape. An iterative walk over the nodes that receive a
// gradient, in decreasing creation order, a seed gradient, broadcast sum-back and accumulation.

import { checkBoolean, checkOptions } from '../args.js';
import { copyArray, makeArray, scalarArray } from '../array.js';
import {
  AnomalyError,
  AutogradError,
  describeValue,
  fmtShape,
  ShapeError,
  ValueError,
} from '../errors.js';
import { add } from '../ops/add.js';
import { cast } from '../ops/cast.js';
import { clone } from '../ops/clone.js';
import { ownsBuffer, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { enableGrad, hasNonFinite, isAnomalyEnabled, noGrad, withoutAnomaly } from './mode.js';
import { type Node, savedWhat } from './node.js';
import { Ownership } from './ownership.js';
import { releaseHeld } from './release.js';
import { accumulateInto, sumTo } from './sum-to.js';
import { activeTracer } from './trace.js';

export interface BackwardOptions {
  /** Keep the graph so that a second backward can run through it (default false). */
  readonly retainGraph?: boolean;
  /** Record the backward pass itself, for gradients of gradients (default false). */
  readonly createGraph?: boolean;
}

export interface GradOptions extends BackwardOptions {
  /** The gradient of `output` to start from; required unless `output` has one element. */
  readonly gradOutput?: Tensor;
  /** Return null for an input the output does not depend on, instead of throwing. */
  readonly allowUnused?: boolean;
}

function seedGradient(op: string, output: Tensor, gradOutput: Tensor | undefined): Tensor {
  if (gradOutput !== undefined && !(gradOutput instanceof Tensor)) {
    throw new ValueError(op, `gradOutput must be a Tensor, got ${describe(gradOutput)}`);
  }
  if (gradOutput === undefined) {
    if (output.size !== 1) {
      throw new AutogradError(
        op,
        `gradient can be implied only for an output with one element; this output has shape ${fmtShape(output.shape)}: pass gradOutput of that shape`,
      );
    }
    return new Tensor(makeArray(scalarArray(1, output.dtype).data, output.shape));
  }
  if (!sameShape(gradOutput.shape, output.shape)) {
    throw new ShapeError(
      op,
      `gradOutput has shape ${fmtShape(gradOutput.shape)} but the output has shape ${fmtShape(output.shape)}`,
      [gradOutput.shape, output.shape],
    );
  }
  // every gradient has its tensor's dtype, the output's too (as inputs' are cast in run)
  return gradOutput.dtype === output.dtype ? gradOutput : cast(gradOutput, output.dtype);
}

/**
 * The nodes waiting for their turn, highest creation number first: a node runs only after
 * every node made after it, so every consumer of its output has delivered its gradient.
 * (A binary max-heap by `seq`; a chain keeps one or two entries.)
 */
class Queue {
  private readonly heap: Node[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(node: Node): void {
    const h = this.heap;
    let i = h.length;
    h.push(node);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent]!;
      if (p.seq >= node.seq) break;
      h[i] = p;
      i = parent;
    }
    h[i] = node;
  }

  /** Empties the queue; each node in it forgets the gradient waiting on it. */
  clearPending(): void {
    for (const node of this.heap) node.pending = null;
    this.heap.length = 0;
  }

  pop(): Node {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    const n = h.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && h[r]!.seq > h[l]!.seq ? r : l;
        if (h[c]!.seq <= last.seq) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

/** A backward rule returns one Tensor or null per input (a user's defineOp may not). */
function checkRuleOutput(node: Node, gs: readonly unknown[]): void {
  if (!Array.isArray(gs) || gs.length !== node.inputs.length) {
    const got = Array.isArray(gs) ? `${gs.length} gradient(s)` : describe(gs);
    throw new AutogradError(
      node.op,
      `backward returned ${got} for ${node.inputs.length} input(s); return one Tensor or null per input`,
    );
  }
  for (let i = 0; i < gs.length; i++) {
    const g = gs[i];
    if (g !== null && !(g instanceof Tensor)) {
      throw new AutogradError(
        node.op,
        `backward returned ${describe(g)} as the gradient of input ${i}; expected a Tensor or null`,
      );
    }
  }
}

function describe(x: unknown): string {
  if (x === undefined || x === null) return String(x);
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'object' ? `a ${x.constructor?.name ?? 'object'}` : `a ${typeof x}`;
}

/**
 * Refuse to run a rule on values that changed after its op ran: a tensor it saved was
 * written in place (an optimizer step, `loadStateDict`, `x.add_(…)` inside noGrad).
 */
function checkSaved(node: Node, output: Tensor): void {
  const { versions, inputs } = node;
  for (let k = 0; k < versions.length; k++) {
    const w = savedWhat(node.def.saves, inputs.length, k);
    const t = w === 'output' ? output : inputs[w];
    if (t === undefined || t.version === versions[k]) continue;
    const which = w === 'output' ? 'its output' : `its input ${w}`;
    throw new AutogradError(
      node.op,
      `a tensor needed for the gradient was changed in place after '${node.op}' (op #${node.seq}) ran: ${which} (shape ${fmtShape(t.shape)}, ${t.dtype}) is at version ${t.version}, but was at version ${versions[k]} when it was saved. Change it only after backward (an optimizer's step() and loadStateDict() write in place), or use a copy (clone()) in the forward`,
    );
  }
}

function checkFinite(node: Node, i: number, g: Tensor): void {
  if (hasNonFinite(g.data.data)) {
    throw new AnomalyError(
      node.op,
      'backward',
      `backward of '${node.op}' (op #${node.seq}) produced a NaN or Inf in the gradient of input ${i} (shape ${fmtShape(g.shape)}) from a finite upstream gradient`,
    );
  }
}

/**
 * The bookkeeping that lets a pass reuse the memory of gradients it has finished with, or
 * null where it may not: under createGraph the gradients are saved by the nodes recorded,
 * and a tracer (traceOps) is handed every op's output.
 */
function ownershipFor(createGraph: boolean): Ownership | null {
  return !recycling || createGraph || activeTracer() !== null ? null : new Ownership();
}

let recycling = true;

/**
 * Turns the recycling of gradients on or off (on by default); returns the previous setting.
 * For tests that compare a pass with and without it.
 */
export function setGradientRecycling(enabled: boolean): boolean {
  const previous = recycling;
  recycling = enabled;
  return previous;
}

/**
 * Run reverse mode from `output`. Gradients of the leaves that require grad go to
 * `onLeaf`; gradients of the tensors in `wanted` (leaf or not) are returned. With `owner`,
 * the gradients that stateless rules made and the pass has finished with are recycled, and
 * those given to `onLeaf` are held for the caller (see ownership.ts).
 */
function run(
  op: string,
  output: Tensor,
  seed: Tensor,
  options: BackwardOptions,
  onLeaf: ((leaf: Tensor, g: Tensor) => void) | null,
  wanted: readonly Tensor[],
  owner: Ownership | null,
): Map<Tensor, Tensor> {
  const retain = options.retainGraph ?? options.createGraph ?? false;
  const result = new Map<Tensor, Tensor>();
  const wantedSet = wanted.length === 0 ? null : new Set(wanted);
  const root = output.gradFn;
  if (root === null) {
    if (wantedSet?.has(output)) result.set(output, seed);
    else if (onLeaf && output.requiresGrad) onLeaf(output, seed);
    return result;
  }
  // The gradient waiting at each node that has received one and not run yet: on the node
  // (`pending`), or, for a pass that a rule runs inside another pass, in a map of its own.
  const grads = activePasses === 0 ? null : new Map<Node, Tensor>();
  const queue = new Queue();
  if (grads === null) root.pending = seed;
  else grads.set(root, seed);
  queue.push(root);
  activePasses++;
  try {
    walk(op, queue, grads, result, wantedSet, onLeaf, owner, retain);
  } finally {
    activePasses--;
    // nodes still waiting (a rule threw) must not keep their gradient for a later pass
    if (grads === null) queue.clearPending();
  }
  return result;
}

/** Backward passes running now (a rule may run one inside another). */
let activePasses = 0;

/** The body of `run`: pop nodes in decreasing creation order, run their rules, pass gradients on. */
function walk(
  op: string,
  queue: Queue,
  grads: Map<Node, Tensor> | null,
  result: Map<Tensor, Tensor>,
  wantedSet: Set<Tensor> | null,
  onLeaf: ((leaf: Tensor, g: Tensor) => void) | null,
  owner: Ownership | null,
  retain: boolean,
): void {
  const anomaly = isAnomalyEnabled();
  while (queue.size > 0) {
    const node = queue.pop();
    let dy: Tensor;
    if (grads === null) {
      dy = node.pending!;
      node.pending = null;
    } else {
      dy = grads.get(node)!;
      grads.delete(node);
    }
    const ctx = node.ctx;
    if (ctx === null) {
      throw new AutogradError(
        op,
        `trying to backward through the graph a second time ('${node.op}' was already freed); pass { retainGraph: true } to the first backward if you need to backward twice`,
      );
    }
    if (wantedSet?.has(ctx.output)) {
      result.set(ctx.output, dy);
      owner?.escape(dy);
    }
    // like forward, anomaly mode blames the op that makes a NaN or Inf from finite values
    const dyNonFinite = anomaly && hasNonFinite(dy.data.data);
    checkSaved(node, ctx.output);
    const stateless = owner !== null && node.def.statelessBackward === true;
    if (stateless) owner.begin();
    else owner?.escape(dy); // the rule may keep dy
    try {
      const gs = anomaly ? withoutAnomaly(() => node.rule(dy, ctx)) : node.rule(dy, ctx);
      if (!retain) node.ctx = null;
      checkRuleOutput(node, gs);
      const inputs = node.inputs;
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i]!;
        const raw = gs[i];
        if (raw === null || raw === undefined || !input.requiresGrad) continue;
        let g = sumTo(raw, input.shape, node.op, i);
        if (g.dtype !== input.dtype) g = cast(g, input.dtype);
        if (anomaly && !dyNonFinite) checkFinite(node, i, g);
        const fn = input.gradFn;
        if (fn !== null) {
          const prev = grads === null ? fn.pending : (grads.get(fn) ?? null);
          const total = prev === null ? g : add(prev, g);
          if (grads === null) fn.pending = total;
          else grads.set(fn, total);
          owner?.take(total);
          if (prev === null) queue.push(fn);
          else owner?.drop(prev);
        } else if (wantedSet?.has(input)) {
          const prev = result.get(input);
          const total = prev === undefined ? g : add(prev, g);
          result.set(input, total);
          owner?.escape(total);
        } else if (onLeaf) {
          owner?.take(g);
          onLeaf(input, g);
        }
      }
      if (stateless) {
        owner.drop(dy);
        owner.sweep();
      }
      // the tensors that only the graph held, once their last node is freed (release.ts)
      if (!retain && owner !== null) releaseHeld(node, ctx);
    } finally {
      if (stateless) owner.end();
    }
  }
}

function checkEngineOptions(op: string, options: unknown, known: readonly string[]): void {
  const o = checkOptions(op, options, known);
  for (const k of ['retainGraph', 'createGraph', 'allowUnused']) checkBoolean(op, k, o[k], false);
}

/**
 * Backpropagate from `output` into the `.grad` of every leaf that requires grad.
 * Called as `loss.backward()`.
 */
export function backward(output: Tensor, gradOutput?: Tensor, options: BackwardOptions = {}): void {
  if (!(output instanceof Tensor)) {
    throw new ValueError('backward', `output must be a Tensor, got ${describeValue(output)}`);
  }
  if (!output.requiresGrad) {
    throw new AutogradError(
      'backward',
      `the tensor (shape ${fmtShape(output.shape)}) does not require grad and has no graph; create the inputs with { requiresGrad: true }`,
    );
  }
  checkEngineOptions('backward', options, ['retainGraph', 'createGraph']);
  if (options.createGraph ?? false) {
    enableGrad(() => backwardBody(output, gradOutput, options, true));
  } else noGrad(() => backwardBody(output, gradOutput, options, false));
}

/** backward's work, inside noGrad (or enableGrad under createGraph). */
function backwardBody(
  output: Tensor,
  gradOutput: Tensor | undefined,
  options: BackwardOptions,
  createGraph: boolean,
): void {
  const seed = seedGradient('backward', output, gradOutput);
  // All or nothing: the leaves' gradients are collected while the rules run, and .grad is
  // written only once every rule has run (a rule that throws half way changes no .grad).
  const leaves: Tensor[] = [];
  const leafGrads: Tensor[] = [];
  const owner = ownershipFor(createGraph);
  run(
    'backward',
    output,
    seed,
    options,
    (leaf, g) => {
      leaves.push(leaf);
      leafGrads.push(g);
    },
    NO_TENSORS,
    owner,
  );
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i]!;
    const g = leafGrads[i]!;
    // A first gradient is copied, recorded under createGraph as PyTorch does: g may be the
    // caller's gradOutput, or the very tensor a rule gave to several inputs (add), and
    // .grad is written in place later (accumulation, clipping, zeroGrad). The pass keeps
    // g itself when it proved g the only reference to a buffer of its own (PyTorch steals
    // such a gradient too). .grad is written in place only when it owns its buffer and is
    // not in a graph.
    const prev = leaf.grad;
    if (prev === null) {
      if (createGraph) leaf.grad = clone(g);
      else if (owner?.sole(g) && ownsBuffer(g.data)) {
        leaf.grad = g;
        owner.escape(g);
      } else {
        leaf.grad = copyOf(g);
        owner?.drop(g);
      }
      continue;
    }
    const inGraph = createGraph || prev.requiresGrad;
    if (!inGraph && ownsBuffer(prev.data)) accumulateInto(prev, g);
    else leaf.grad = add(prev, g);
    owner?.drop(g);
  }
}

const NO_TENSORS: readonly Tensor[] = [];

/** A contiguous copy of g outside any graph: what `clone` gives when nothing is recorded. */
function copyOf(g: Tensor): Tensor {
  return new Tensor(copyArray(g.data));
}

/**
 * The gradients of `output` with respect to `inputs`, without touching any `.grad`.
 *
 * @example
 * const [dx] = grad(x.pow(3).sum(), [x], { createGraph: true }); // 3x², itself differentiable
 */
export function grad(
  output: Tensor,
  inputs: readonly Tensor[],
  options: GradOptions = {},
): (Tensor | null)[] {
  if (!(output instanceof Tensor)) {
    throw new ValueError('grad', `output must be a Tensor, got ${describeValue(output)}`);
  }
  if (!Array.isArray(inputs)) {
    throw new ValueError('grad', `inputs must be a list of tensors, got ${describe(inputs)}`);
  }
  checkEngineOptions('grad', options, ['retainGraph', 'createGraph', 'gradOutput', 'allowUnused']);
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor)) {
      throw new ValueError('grad', `input ${i} must be a Tensor, got ${describe(t)}`);
    }
    if (!t.requiresGrad) {
      throw new AutogradError(
        'grad',
        `input ${i} (shape ${fmtShape(t.shape)}) does not require grad`,
      );
    }
  });
  if (!output.requiresGrad) {
    throw new AutogradError(
      'grad',
      `the output (shape ${fmtShape(output.shape)}) does not require grad: no differentiable op connects it to a tensor that does (as in PyTorch, the gradient of max or maximum is a mask times the upstream gradient, with no gradient of its own)`,
    );
  }
  const createGraph = options.createGraph ?? false;
  const body = (): (Tensor | null)[] => {
    const seed = seedGradient('grad', output, options.gradOutput);
    const found = run('grad', output, seed, options, null, inputs, ownershipFor(createGraph));
    return inputs.map((t, i) => {
      const g = found.get(t);
      if (g !== undefined) return g;
      if (options.allowUnused) return null;
      throw new AutogradError(
        'grad',
        `input ${i} (shape ${fmtShape(t.shape)}) was not used to compute the output; pass { allowUnused: true } to get null for it`,
      );
    });
  };
  return options.createGraph ? enableGrad(body) : noGrad(body);
}
