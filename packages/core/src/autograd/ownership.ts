// Which gradient buffers a backward pass holds alone, so that it can reuse their memory once
// it has finished with them, and give a leaf its first gradient without copying it.
//
// The proof that nothing else references a buffer: the pass notes every buffer allocated
// while a node's rule runs (and while the engine sums back, casts and accumulates that
// node's gradients). A rule whose definition says `statelessBackward` keeps no reference to
// its dy or to what it returns, no op keeps its output, and nothing records under the
// engine's noGrad; so such a buffer is referenced only by the gradients the pass holds, or
// by nothing (the rule's temporaries). The pass counts the gradients on each buffer it owns:
// a pending node's dy, a leaf's gradient not yet written. A buffer goes back to `allocate`
// when its count reaches 0; one that leaves the pass (a gradient `grad()` returns, the dy of
// a rule that may keep it, a leaf's `.grad`) is never recycled. Under createGraph, or while
// `traceOps` reports every op's output to a caller, nothing is noted and nothing recycled.
//
// Only recyclable buffers (over 8 kB, `pastPool` in dtype.ts) are noted, so a graph of small tensors
// notes nothing, and while the pass neither holds a buffer nor has noted one in the current
// step, take, drop and escape have nothing to count and return at once. On a tiny MLP the
// counting of every gradient's buffer made forward + backward 12–14% slower. A leaf's small
// first gradient is then copied (measured when the line was 2 kB: a copy cost less than counting).
import { type FloatArray, logAllocations, recycle } from '../dtype.js';
import type { Tensor } from '../tensor.js';

export class Ownership {
  /** Owned buffer → how many gradients the pass holds on it. */
  private readonly held = new Map<FloatArray, number>();
  /** Buffers that left the pass: never owned again. */
  private readonly escaped = new Set<FloatArray>();
  /** The buffers allocated in the current step. */
  private readonly log: FloatArray[] = [];
  private previousLog: FloatArray[] | null = null;

  /** Whether the pass holds no buffer and the current step has noted none: nothing to count. */
  private idle(): boolean {
    return this.held.size === 0 && this.log.length === 0;
  }

  /** Starts noting allocations: a stateless rule is about to run. */
  begin(): void {
    // sweep leaves it empty; setting an array's length calls into the runtime, which cost
    // more than the rest of a small step's bookkeeping, so only when there is something
    if (this.log.length !== 0) this.log.length = 0;
    this.previousLog = logAllocations(this.log);
  }

  /** Stops noting allocations (the step's gradients have been taken). */
  end(): void {
    logAllocations(this.previousLog);
    this.previousLog = null;
  }

  /** The pass now holds g: counted if its buffer is owned, or was allocated in this step. */
  take(g: Tensor): void {
    if (this.idle()) return;
    const s = g.data.data;
    const n = this.held.get(s);
    if (n !== undefined) this.held.set(s, n + 1);
    else if (!this.escaped.has(s) && this.log.includes(s)) this.held.set(s, 1);
  }

  /** The pass no longer holds g: its buffer is recycled once no gradient of the pass is on it. */
  drop(g: Tensor): void {
    if (this.held.size === 0) return;
    const s = g.data.data;
    const n = this.held.get(s);
    if (n === undefined) return;
    if (n > 1) this.held.set(s, n - 1);
    else {
      this.held.delete(s);
      recycle(s);
    }
  }

  /** g leaves the pass (returned, kept by a rule, a leaf's `.grad`): its buffer is never recycled. */
  escape(g: Tensor): void {
    // idle, g's buffer is neither held nor new in this step, and it will not be new in a
    // later one: a live buffer is never handed out again (only a recycled one is, and this
    // pass recycles only what it holds). So nothing needs to remember that it escaped.
    if (this.idle()) return;
    const s = g.data.data;
    this.held.delete(s);
    this.escaped.add(s);
  }

  /** Whether g is the only gradient on a buffer the pass owns: a leaf may keep it uncopied. */
  sole(g: Tensor): boolean {
    return this.held.get(g.data.data) === 1;
  }

  /** Recycles the step's buffers that no gradient holds: the rule's temporaries. */
  sweep(): void {
    const log = this.log;
    if (log.length === 0) return;
    for (let i = 0; i < log.length; i++) {
      const s = log[i]!;
      if (!this.held.has(s) && !this.escaped.has(s)) recycle(s);
    }
    log.length = 0;
  }
}
