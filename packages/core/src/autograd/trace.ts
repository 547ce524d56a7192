// Op tracing: every op application while a function runs, recorded or not. The tape keeps
// only ops that need a gradient; an exporter (ONNX) needs every op between the inputs and the
// output, including those without a backward rule (a comparison's mask in PReLU) and those
// on values that need no gradient.
import type { Tensor } from '../tensor.js';
import type { AnyOpDefinition } from './define-op.js';

/** One op application as `traceOps` reports it. */
export interface TracedOp {
  /** The op's definition (its `name` names it). */
  readonly def: AnyOpDefinition;
  /** The inputs as tensors (numbers were wrapped as constant scalars). */
  readonly inputs: readonly Tensor[];
  /** The op's non-tensor attributes. */
  readonly attrs: unknown;
  readonly output: Tensor;
}

let tracer: ((op: TracedOp) => void) | null = null;

/** The active tracer, or null (read by `defineOp` after each application). */
export function activeTracer(): ((op: TracedOp) => void) | null {
  return tracer;
}

/**
 * Runs `fn`, reporting every op application to `onOp` in order, and returns fn's result.
 * Traces nest: the inner one sees the ops of its own call only.
 *
 * @example
 * const ops: TracedOp[] = [];
 * const y = traceOps(() => model.forward(x), (op) => ops.push(op));
 */
export function traceOps<T>(fn: () => T, onOp: (op: TracedOp) => void): T {
  const previous = tracer;
  tracer = onOp;
  try {
    return fn();
  } finally {
    tracer = previous;
  }
}
