// Intermediate tensors that only the graph holds, released with it. A caller that makes a
// tensor, hands it to one op and keeps no reference to it (Sequential between its layers)
// says so with `freeWithGraph(t, y)`: the nodes that recorded t, the op that made it and the
// op that made y from it, are then its only holders. Once a backward pass without
// retainGraph has run and freed both (as PyTorch frees its saved tensors), t's buffer goes
// back to `allocate`, and t, which the graph still names (`y.gradFn.inputs`), throws when
// its values are read.
//
// Why: a training step makes its activations anew each time. Backward recycles the
// gradients it proves dead (ownership.ts), but an activation outlives the step in which
// the garbage collector would free it, so each step took a fresh buffer for one of them.
// In the notes' case study, copying a [300, 100] product out of wasm memory into that fresh
// buffer took 16.6 µs, and 1.7 into a recycled one (no more page faults either way: the
// fresh buffer's memory is cold, and one more ArrayBuffer a step for the collector).
import { recyclable, recycle } from '../dtype.js';
import { AutogradError, fmtShape, ValueError } from '../errors.js';
import { ownsBuffer } from '../shape.js';
import type { Tensor } from '../tensor.js';
import type { AnyOpContext, Node } from './node.js';
import { activeTracer } from './trace.js';

/** On a tensor marked by freeWithGraph: how many recorded nodes still hold it (0: unmarked). */
export const HOLDERS: unique symbol = Symbol('graphHolders');

/**
 * Declares that `t` was made only to compute `y` (by one op, the last that read it), and
 * that the caller keeps no reference to it: once backward has freed the nodes that recorded
 * it, its memory is reused. Nothing happens where nothing recorded t, under a tracer
 * (`traceOps`, which hands every output to its caller), or when y was not computed from t
 * by the op that made it.
 *
 * @example
 * // inside a module's forward, where h reaches no one else:
 * const h = linearRelu(x, w1, b1);
 * const y = linear(h, w2, b2);
 * freeWithGraph(h, y);
 */
export function freeWithGraph(t: Tensor, y: Tensor): void {
  if (t === y) throw new ValueError('freeWithGraph', 'y must be another tensor than t');
  if (activeTracer() !== null || t[HOLDERS] !== 0) return;
  const maker = t.gradFn;
  const reader = y.gradFn;
  const read = reader !== null && reader.ctx !== null && reader.inputs.includes(t);
  if (!read || !recyclable(t.data.data) || !ownsBuffer(t.data)) return;
  // the node that read it, and the node that made it if that one still holds it
  t[HOLDERS] = 1 + (maker !== null && maker.ctx !== null ? 1 : 0);
}

/**
 * `node` has been freed by a backward pass (its context `ctx` dropped): each marked tensor
 * it held loses a holder, and one that has none left is released.
 */
export function releaseHeld(node: Node, ctx: AnyOpContext): void {
  const out = ctx.output;
  if (out[HOLDERS] > 0 && out.gradFn === node) drop(out);
  const inputs = ctx.inputs;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i]!;
    if (t[HOLDERS] > 0 && t !== out && inputs.indexOf(t) === i) drop(t);
  }
}

function drop(t: Tensor): void {
  if (--t[HOLDERS] > 0) return;
  recycle(t.data.data);
  // the graph still names t: reading it must not show another tensor's values. (A getter
  // defined on t itself cost 2 µs a tensor, as V8 then turns t into a dictionary.)
  (t as { data: unknown }).data = freed(t.shape);
}

/** What a freed tensor's `data` becomes: its values throw, naming the shape. */
function freed(shape: readonly number[]): unknown {
  return {
    shape,
    get data(): never {
      throw new AutogradError(
        'Tensor',
        `this intermediate tensor (shape ${fmtShape(shape)}) was freed with the graph by backward, and its memory reused; it was made inside a module that kept no reference to it (a Sequential between its layers)`,
      );
    },
  };
}
