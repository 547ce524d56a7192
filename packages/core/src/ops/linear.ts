// linear: y = x·Wᵀ + b, a dense layer in one op (PyTorch's F.linear). One node on the tape
// and one output array, where matmul(x, W.T) + b records three nodes and makes two arrays.
// It computes the same values, bit for bit: the product as matmul computes it, then the
// bias added into it (rounded once, as add does), and the same products in backward.
// linearRelu: relu(linear(x, W, b)) the same way, the relu applied in the product's kernel.
import { type Arr, emptyArray, uninitializedArray } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import { isGradEnabled } from '../autograd/mode.js';
import { getTensorClass } from '../autograd/tensor-class.js';
import { activeTracer } from '../autograd/trace.js';
import * as E from '../backend/expr.js';
import type { Operand } from '../backend/kernels.js';
import { kernels } from '../backend/registry.js';
import { describeValue, fmtShape, ShapeError, ValueError } from '../errors.js';
import { isRowMajor } from '../shape.js';
import { Tensor } from '../tensor.js';
import { promoteAll } from './elementwise.js';
import { matmul, product2, productArray, swapped2, weightGrad } from './matmul.js';
import { reluBackward } from './relu-backward.js';
import { squeeze, unsqueeze } from './reshape.js';
import { transpose } from './transpose.js';

const ADD = E.add(E.input(0), E.input(1));
const RELU = E.max(E.input(0), 0);

/**
 * x·Wᵀ (+ b), then relu of each value if `relu`, in a new array: linear's forward, and
 * linearRelu's (the relu applied by the product's kernel where the bias is, before the
 * result leaves wasm memory on 'wasm').
 */
function linearArray(opName: string, x: Arr, w: Arr, b: Arr | undefined, relu: boolean): Arr {
  const wt = swapped2(w);
  if (b === undefined) return productArray(opName, x, wt, null, relu);
  const dtype = promoteAll([x, w, b]);
  const same = dtype === promoteAll([x, w]);
  // a dense bias is added by the product's kernel as its last step (in wasm memory on
  // 'wasm', before the product is copied out); a strided one into the new product
  if (same && (b.stride[0] === 1 || b.shape[0]! <= 1)) {
    return productArray(opName, x, wt, b, relu);
  }
  const y = productArray(opName, x, wt);
  const out = same ? y : emptyArray(y.shape, dtype); // in place: y is new
  kernels().map(ADD, [y, b], out);
  if (relu) kernels().map(RELU, [out], out);
  return out;
}

/**
 * linear's gradients for dy (dz for linearRelu): dx = dy·W, dW = (the product's gradient for
 * Wᵀ)ᵀ, and db = dy, summed over the rows by the engine as for add.
 */
function linearGrads(
  dy: Tensor,
  x: Tensor,
  w: Tensor,
  hasBias: boolean,
  [dx, dw, db]: readonly boolean[],
): (Tensor | null)[] {
  const grads = [
    dx ? (dy.ndim === 2 ? product2(dy, false, w, false) : matmul(dy, w)) : null,
    dw ? transpose(weightGrad(x, transpose(w), dy)) : null,
  ];
  if (hasBias) grads.push(db ? dy : null);
  return grads;
}

/** x·Wᵀ (+ b): inputs [x, weight] or [x, weight, bias]. */
export const linearOp = defineOp<Tensor[]>({
  name: 'linear',
  forward: ([x, w, b], _attrs, op) => linearArray(op.name, x!, w!, b, false),
  saves: [0, 1],
  // what matmul(x, W.T) + b gives
  statelessBackward: true,
  backward: (dy, { inputs: [x, w, b], needsInputGrad }) =>
    linearGrads(dy, x!, w!, b !== undefined, needsInputGrad),
});

/** Whether t is a float32 matrix stored row by row from its offset. */
const denseF32 = (t: Tensor): boolean =>
  t.dtype === 'float32' && t.ndim === 2 && isRowMajor(t.shape, t.data.stride);

const asOperand = (t: Tensor): Operand => ({
  data: t.data.data,
  offset: t.data.offset,
  rs: t.data.stride[0]!,
  cs: t.data.stride[1]!,
});

/**
 * linearRelu's gradients in one kernel call (`Kernels.linearReluGrads`: on 'wasm', dz stays
 * in module memory for all three), or null for the ops: float32 matrices, a row-major W,
 * and neither a graph being built (createGraph) nor ops being traced.
 */
function fusedGrads(
  dy: Tensor,
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  h: Tensor,
  [needX, needW, needB]: readonly boolean[],
): (Tensor | null)[] | null {
  const ks = kernels();
  if (
    ks.linearReluGrads === undefined ||
    isGradEnabled() ||
    activeTracer() !== null ||
    !denseF32(dy) ||
    !denseF32(h) ||
    x.dtype !== 'float32' ||
    x.ndim !== 2 ||
    !denseF32(w) ||
    (b !== undefined && b.dtype !== 'float32')
  ) {
    return null;
  }
  const [m, n] = dy.shape as [number, number];
  const k = x.shape[1]!;
  const dx = needX ? uninitializedArray([m, k], 'float32') : null;
  const dw = needW ? uninitializedArray([n, k], 'float32') : null;
  const db = needB && b !== undefined ? uninitializedArray([n], 'float32') : null;
  const f32 = (a: Arr | null) => (a === null ? null : (a.data as Float32Array));
  const dense = (t: Tensor) => ({ data: t.data.data, offset: t.data.offset });
  if (
    !ks.linearReluGrads(
      m,
      n,
      k,
      dense(dy),
      dense(h),
      asOperand(x),
      asOperand(w),
      f32(dx),
      f32(dw),
      f32(db),
    )
  ) {
    return null;
  }
  const T = getTensorClass();
  const grads = [dx === null ? null : new T(dx), dw === null ? null : new T(dw)];
  if (b !== undefined) grads.push(db === null ? null : new T(db));
  return grads;
}

/**
 * relu(x·Wᵀ + b): inputs [x, weight] or [x, weight, bias]. Backward masks dy by the output
 * (h > 0 exactly where x·Wᵀ + b > 0, and a NaN stays NaN) and continues as linear's; for
 * float32 matrices, in one kernel call where the backend has one (`fusedGrads`).
 */
export const linearReluOp = defineOp<Tensor[]>({
  name: 'linearRelu',
  forward: ([x, w, b], _attrs, op) => linearArray(op.name, x!, w!, b, true),
  saves: [0, 1, 'output'],
  statelessBackward: true,
  backward: (dy, { inputs: [x, w, b], output, needsInputGrad }) =>
    fusedGrads(dy, x!, w!, b, output, needsInputGrad) ??
    linearGrads(reluBackward(dy, output), x!, w!, b !== undefined, needsInputGrad),
});

/** A ShapeError or ValueError naming `op` unless x, weight and bias fit a dense layer. */
function checkLinear(op: string, x: Tensor, weight: Tensor, bias: Tensor | null): void {
  for (const [name, t] of [
    ['x', x],
    ['weight', weight],
  ] as const) {
    if (!(t instanceof Tensor)) {
      throw new ValueError(op, `${name} must be a Tensor, got ${describeValue(t)}`);
    }
  }
  if (bias !== null && !(bias instanceof Tensor)) {
    throw new ValueError(op, `bias must be a Tensor or null, got ${describeValue(bias)}`);
  }
  const out = weight.shape[0];
  if (
    weight.ndim !== 2 ||
    x.ndim === 0 ||
    x.shape[x.ndim - 1] !== weight.shape[1] ||
    (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== out))
  ) {
    throw new ShapeError(
      op,
      `expected x [..., in], weight [out, in] and bias [out], got x ${fmtShape(x.shape)}, weight ${fmtShape(weight.shape)}${bias === null ? '' : `, bias ${fmtShape(bias.shape)}`}`,
      bias === null ? [x.shape, weight.shape] : [x.shape, weight.shape, bias.shape],
    );
  }
}

/**
 * A dense layer: `x·Wᵀ + b` for x of shape `[..., in]`, weight `[out, in]` and bias `[out]`
 * (or none), as PyTorch's `F.linear`; the same values as `matmul(x, weight.T).add(bias)` in
 * one op.
 *
 * @example
 * linear(x, w, b); // x: [batch, 3], w: [4, 3], b: [4] → [batch, 4]
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkLinear('linear', x, weight, bias);
  if (x.ndim === 1) return squeeze(linear(unsqueeze(x, 0), weight, bias), 0);
  return bias === null ? linearOp(x, weight) : linearOp(x, weight, bias);
}

/**
 * `relu(linear(x, weight, bias))` in one op: the same values, bit for bit, and the same
 * gradients, with one tape node and one output array, the relu applied by the product's
 * kernel (nn's Sequential runs a Linear followed by a ReLU through it).
 *
 * @example
 * linearRelu(x, w, b); // x: [batch, 3], w: [4, 3], b: [4] → [batch, 4], every value ≥ 0
 */
export function linearRelu(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkLinear('linearRelu', x, weight, bias);
  if (x.ndim === 1) return squeeze(linearRelu(unsqueeze(x, 0), weight, bias), 0);
  return bias === null ? linearReluOp(x, weight) : linearReluOp(x, weight, bias);
}
