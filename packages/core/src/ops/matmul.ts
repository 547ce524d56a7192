// matmul: matrix products, 2-D and batched (batch dims broadcast), 1-D operands as in
// NumPy. Gradients: dA = dy·Bᵀ, dB = Aᵀ·dy; the engine sums broadcast batches back.
import { type Arr, makeArray, uninitializedArray } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import { isGradEnabled } from '../autograd/mode.js';
import { getTensorClass } from '../autograd/tensor-class.js';
import { activeTracer } from '../autograd/trace.js';
import * as E from '../backend/expr.js';
import { type Dense, gemmWith, type Operand } from '../backend/kernels.js';
import { kernels } from '../backend/registry.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { promoteAll } from './elementwise.js';
import { reshape, squeeze, unsqueeze } from './reshape.js';
import { transpose } from './transpose.js';

/** The batch offset of operand x for the output batch index `b` (broadcast dims stay). */
function batchOffset(x: Arr, batch: readonly number[], b: number): number {
  const lead = x.shape.length - 2;
  let off = x.offset;
  for (let d = batch.length - 1, rest = b; d >= 0; d--) {
    const i = rest % batch[d]!;
    rest = Math.floor(rest / batch[d]!);
    const xd = d - (batch.length - lead);
    if (xd >= 0 && x.shape[xd] !== 1) off += i * x.stride[xd]!;
  }
  return off;
}

function operand(x: Arr, offset: number): Operand {
  const nd = x.shape.length;
  return { data: x.data, offset, rs: x.stride[nd - 2]!, cs: x.stride[nd - 1]! };
}

/**
 * Whether x's batch dims continue its row stride (a contiguous [..., m, k] stack, or a
 * row-sliced one), so that x reads as one matrix of (batch · m) rows.
 */
function rowsFold(x: Arr): boolean {
  const nd = x.shape.length;
  let expected = x.shape[nd - 2]! * x.stride[nd - 2]!;
  for (let d = nd - 3; d >= 0; d--) {
    if (x.shape[d] === 1) continue;
    if (x.stride[d] !== expected) return false;
    expected *= x.shape[d]!;
  }
  return true;
}

/** A 2-D array seen transposed (a view of its storage): Wᵀ of a weight [out, in]. */
export function swapped2(x: Arr): Arr {
  return makeArray(x.data, [x.shape[1]!, x.shape[0]!], [x.stride[1]!, x.stride[0]!], x.offset);
}

/**
 * `(ta ? aᵀ : a) · (tb ? bᵀ : b)` for 2-D a and b, in a backward rule. With nothing recorded
 * and no tracer to tell (the engine runs rules under noGrad), the product is computed at
 * once with the transposes as strides: the kernel call `matmul(transpose(a), b)` would make,
 * so the same values, without the transposes' and the product's nodes (on a tiny MLP,
 * forward + backward took 0.96–0.98× the time).
 */
export function product2(a: Tensor, ta: boolean, b: Tensor, tb: boolean): Tensor {
  if (!isGradEnabled() && activeTracer() === null) {
    const T = getTensorClass();
    const x = ta ? swapped2(a.data) : a.data;
    const y = tb ? swapped2(b.data) : b.data;
    return new T(productArray('matmul', x, y));
  }
  return matmul(ta ? transpose(a) : a, tb ? transpose(b) : b);
}

/**
 * dB = Aᵀ·dy. When one matrix b serves a whole batch of a (a linear layer on a 3-D input),
 * it is a single product over all the batch's rows rather than a batch of products that
 * the engine then sums back.
 */
export function weightGrad(a: Tensor, b: Tensor, dy: Tensor): Tensor {
  if (b.ndim !== 2 || (a.ndim <= 2 && !columnMajor(b))) {
    return a.ndim === 2 && dy.ndim === 2 ? product2(a, true, dy, false) : matmul(transpose(a), dy);
  }
  const rows = sizeOf(a.shape.slice(0, -1));
  const k = a.shape[a.ndim - 1]!;
  const n = b.shape[1]!;
  const a2 = a.ndim <= 2 ? a : reshape(a, [rows, k]);
  const dy2 = dy.ndim <= 2 ? dy : reshape(dy, [rows, n]);
  // b = Wᵀ, a view of a row-major W (a linear layer's x @ W.T): compute (dyᵀ·A)ᵀ, so that
  // the gradient has b's layout and W's gradient, its transpose, is a row-major array, not
  // a strided view that costs a transposing copy. Same products, summed in the same order.
  if (columnMajor(b)) return transpose(product2(dy2, true, a2, false));
  return product2(a2, true, dy2, false);
}

/** Whether a matrix is stored column-major and dense: the transpose of a row-major one. */
function columnMajor(b: Tensor): boolean {
  const [rows, cols] = b.shape as [number, number];
  const [rs, cs] = b.data.stride as [number, number];
  return rows > 1 && cols > 1 && rs === 1 && cs === rows;
}

export const matmulOp = defineOp<[a: Tensor, b: Tensor]>({
  name: 'matmul',
  arity: 2,
  check: ([a, b], _attrs, op) => {
    const k = a.shape[a.ndim - 1];
    const k2 = b.shape[b.ndim - 2];
    if (k !== k2) {
      throw new ShapeError(
        op.name,
        `inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (${k} vs ${k2})`,
        [a.shape, b.shape],
      );
    }
    if (a.ndim === 2 && b.ndim === 2) return; // no batch dims
    try {
      broadcastShapes(op.name, a.shape.slice(0, -2), b.shape.slice(0, -2));
    } catch {
      throw new ShapeError(
        op.name,
        `batch dims cannot broadcast: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (batch ${fmtShape(a.shape.slice(0, -2))} vs ${fmtShape(b.shape.slice(0, -2))})`,
        [a.shape, b.shape],
      );
    }
  },
  forward: ([a, b], _attrs, op) => productArray(op.name, a, b),
  saves: [0, 1],
  statelessBackward: true,
  backward: (dy, { inputs: [a, b], needsInputGrad: [da, db] }) => [
    da
      ? b.ndim === 2 && dy.ndim === 2
        ? product2(dy, false, b, true)
        : matmul(dy, transpose(b))
      : null,
    db ? weightGrad(a, b, dy) : null,
  ],
});

/** relu's expression (ops/relu.ts), for a product with relu on a backend without the fused kernel. */
const RELU = E.max(E.input(0), 0);

/**
 * The product a·b of two arrays of at least 2 dims (batch dims broadcast) in a new array:
 * matmul's forward, and linear's, which passes its bias (a dense row, added to each row of
 * the product as add would); with `relu`, then relu of each value (linearRelu's forward).
 */
export function productArray(
  opName: string,
  a: Arr,
  b: Arr,
  bias: Dense | null = null,
  relu = false,
): Arr {
  if (relu && kernels().gemmBiasRelu === undefined) {
    // a backend without the fused kernel: the product, then relu's map over it in place
    const out = productArray(opName, a, b, bias);
    kernels().map(RELU, [out], out);
    return out;
  }
  const dtype = promoteAll([a, b]);
  if (a.shape.length === 2 && b.shape.length === 2) {
    // one product (the common case: no batch dims to broadcast)
    const m = a.shape[0]!;
    const n = b.shape[1]!;
    const out = uninitializedArray([m, n], dtype); // gemm writes every value
    gemmWith(
      kernels(),
      m,
      n,
      a.shape[1]!,
      operand(a, a.offset),
      operand(b, b.offset),
      bias,
      out.data,
      0,
      relu,
    );
    return out;
  }
  const batch = broadcastShapes(opName, a.shape.slice(0, -2), b.shape.slice(0, -2));
  const m = a.shape[a.shape.length - 2]!;
  const k = a.shape[a.shape.length - 1]!;
  const n = b.shape[b.shape.length - 1]!;
  const shape = [...batch, m, n];
  const out = uninitializedArray(shape, dtype);
  const c = out.data;
  const kernel = kernels();
  const nb = sizeOf(batch);
  // The kernel reads float32 and float64 operands as they are (mixed inputs need no copy).
  if (nb > 1 && sizeOf(b.shape.slice(0, -2)) === 1 && rowsFold(a)) {
    // [..., m, k] @ [k, n]: one product of (nb · m) rows, e.g. a linear layer on a 3-D input
    gemmWith(kernel, nb * m, n, k, operand(a, a.offset), operand(b, b.offset), bias, c, 0, relu);
  } else {
    for (let i = 0; i < nb; i++) {
      const ai = operand(a, batchOffset(a, batch, i));
      const bi = operand(b, batchOffset(b, batch, i));
      gemmWith(kernel, m, n, k, ai, bi, bias, c, i * m * n, relu);
    }
  }
  return out;
}

function checkOperand(name: string, x: unknown): void {
  if (!(x instanceof Tensor)) {
    const got = x === null || x === undefined ? String(x) : `a ${typeof x}`;
    throw new ValueError('matmul', `operand ${name} must be a Tensor, got ${got}`);
  }
}

/**
 * The matrix product `a @ b`: 2-D, batched `[..., m, k] @ [..., k, n]` with broadcast batch
 * dims, and 1-D operands as vectors. @example matmul(x, w.T)
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkOperand('a', a);
  checkOperand('b', b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      'matmul',
      `both operands need at least 1 dim, got ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`,
      [a.shape, b.shape],
    );
  }
  // checked here too so that a 1-D operand is reported with its own shape, not unsqueezed
  const k = a.shape[a.ndim - 1]!;
  const k2 = b.shape[b.ndim === 1 ? 0 : b.ndim - 2]!;
  if (k !== k2) {
    throw new ShapeError(
      'matmul',
      `inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (${k} vs ${k2})`,
      [a.shape, b.shape],
    );
  }
  // vector · vector is a 0-d dot product, as in NumPy
  if (a.ndim === 1 && b.ndim === 1) return reshape(matmulOp(unsqueeze(a, 0), unsqueeze(b, 1)), []);
  if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(matmul(a, unsqueeze(b, 1)), -1);
  return matmulOp(a, b);
}
