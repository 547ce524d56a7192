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
// With glibc's malloc, which gives freed memory back to the system, every page of a fresh
// [300, 100] float32 buffer then faulted on its first write: ~15 µs of a ~90 µs step of
// the notes' case study.
import { ownBuffer, recycle } from '../dtype.js';
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
  // a node that made t and still holds it, and the node that read it
  const holders = (maker !== null && maker.ctx !== null ? 1 : 0) + (read ? 1 : 0);
  if (!read || !ownBuffer(t.data.data) || !ownsBuffer(t.data)) return;
  t[HOLDERS] = holders;
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
  const data = t.data.data;
  const shape = fmtShape(t.shape);
  recycle(data);
  // the graph still names t: reading it must not show another tensor's values
  Object.defineProperty(t, 'data', {
    configurable: true,
    get(): never {
      throw new AutogradError(
        'Tensor',
        `this intermediate tensor (shape ${shape}) was freed with the graph by backward, and its memory reused; it was made inside a module that kept no reference to it (a Sequential between its layers)`,
      );
    },
  });
}
