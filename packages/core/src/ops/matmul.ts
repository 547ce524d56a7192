// matmul: matrix products, 2-D and batched (batch dims broadcast), 1-D operands as in
// NumPy. Gradients: dA = dy·Bᵀ, dB = Aᵀ·dy; the engine sums broadcast batches back.
import ndarray from 'ndarray';
import { defineOp } from '../autograd/define-op.js';
import { allocate, type FloatArray } from '../dtype.js';
import { fmtShape, ShapeError } from '../errors.js';
import { gemm, type Operand } from '../kernels/matmul.js';
import { broadcastShapes, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type Arr, promoteAll } from './elementwise.js';
import { squeeze, unsqueeze } from './reshape.js';
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

function operand(x: Arr, data: FloatArray, offset: number): Operand {
  const nd = x.shape.length;
  return { data, offset, rs: x.stride[nd - 2]!, cs: x.stride[nd - 1]! };
}

function same(x: Arr, dtype: string): FloatArray {
  if ((dtype === 'float64') === x.data instanceof Float64Array) return x.data;
  return dtype === 'float64' ? Float64Array.from(x.data) : Float32Array.from(x.data);
}

const matmulOp = defineOp({
  name: 'matmul',
  arity: 2,
  check: ([a, b]) => {
    const k = a!.shape[a!.ndim - 1];
    const k2 = b!.shape[b!.ndim - 2];
    if (k !== k2) {
      throw new ShapeError(
        'matmul',
        `inner dimensions differ: ${fmtShape(a!.shape)} @ ${fmtShape(b!.shape)} (${k} vs ${k2})`,
        [a!.shape, b!.shape],
      );
    }
    broadcastShapes('matmul', a!.shape.slice(0, -2), b!.shape.slice(0, -2));
  },
  forward: ([a, b]) => {
    const dtype = promoteAll([a!, b!]);
    const batch = broadcastShapes('matmul', a!.shape.slice(0, -2), b!.shape.slice(0, -2));
    const m = a!.shape[a!.shape.length - 2]!;
    const k = a!.shape[a!.shape.length - 1]!;
    const n = b!.shape[b!.shape.length - 1]!;
    const shape = [...batch, m, n];
    const out = allocate(dtype, sizeOf(shape));
    const ad = same(a!, dtype);
    const bd = same(b!, dtype);
    const nb = sizeOf(batch);
    for (let i = 0; i < nb; i++) {
      gemm(
        m,
        n,
        k,
        operand(a!, ad, batchOffset(a!, batch, i)),
        operand(b!, bd, batchOffset(b!, batch, i)),
        out,
        i * m * n,
      );
    }
    return ndarray(out, shape);
  },
  backward: (dy, { inputs: [a, b] }) => [
    a!.requiresGrad ? matmul(dy, transpose(b!)) : null,
    b!.requiresGrad ? matmul(transpose(a!), dy) : null,
  ],
});

/**
 * The matrix product `a @ b`: 2-D, batched `[..., m, k] @ [..., k, n]` with broadcast batch
 * dims, and 1-D operands as vectors. @example matmul(x, w.T)
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      'matmul',
      `both operands need at least 1 dim, got ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`,
      [a.shape, b.shape],
    );
  }
  if (a.ndim === 1 && b.ndim === 1 && a.shape[0] !== b.shape[0]) {
    throw new ShapeError(
      'matmul',
      `inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`,
      [a.shape, b.shape],
    );
  }
  if (a.ndim === 1) return squeeze(matmul(unsqueeze(a, 0), b), -2);
  if (b.ndim === 1) return squeeze(matmul(a, unsqueeze(b, 1)), -1);
  return matmulOp(a, b);
}
