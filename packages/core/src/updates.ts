// Fused in-place updates for optimizers: one kernel pass over a parameter, its gradient and
// its state buffers, instead of a chain of in-place ops. Like the in-place methods, they
// write only tensors that are not being recorded (optimizers step inside noGrad).

import { bumpVersion } from './autograd/version.js';
import type { AdamStep, Dense, SgdStep } from './backend/kernels.js';
import { kernels } from './backend/registry.js';
import { fmtShape, ShapeError, ValueError } from './errors.js';
import { checkWritable } from './inplace.js';
import { isRowMajor, sameShape } from './shape.js';
import type { Tensor } from './tensor.js';

export type { AdamStep, SgdStep } from './backend/kernels.js';

/** t's storage as the update kernels walk it: row-major from its offset, or an error. */
function dense(op: string, t: Tensor, what: string, like: Tensor): Dense {
  if (!sameShape(t.shape, like.shape)) {
    throw new ShapeError(
      op,
      `${what} has shape ${fmtShape(t.shape)} but the parameter has ${fmtShape(like.shape)}`,
      [like.shape, t.shape],
    );
  }
  if (!isRowMajor(t.shape, t.data.stride)) {
    throw new ValueError(
      op,
      `${what} (shape ${fmtShape(t.shape)}, strides [${t.data.stride.join(',')}]) is not contiguous; updates walk values in row-major order`,
    );
  }
  return t.data;
}

/**
 * One SGD step in place: `param` (and the momentum buffer `buf`, unless momentum is 0) from
 * `grad`. See `SgdStep` for the hyperparameters; PyTorch's `torch.optim.SGD` arithmetic.
 *
 * @example
 * noGrad(() => sgdStep_(p, p.grad!, null, { lr: 0.1, weightDecay: 0, momentum: 0, keep: 1, nesterov: false, first: false }));
 */
export function sgdStep_(param: Tensor, grad: Tensor, buf: Tensor | null, h: SgdStep): void {
  const op = 'sgdStep_';
  checkWritable(op, param);
  const p = dense(op, param, 'the parameter', param);
  const g = dense(op, grad, 'the gradient', param);
  let b: Dense | null = null;
  if (buf !== null) {
    checkWritable(op, buf);
    b = dense(op, buf, 'the momentum buffer', param);
  }
  kernels().sgdStep(p, g, b, param.size, h);
  bumpVersion(param);
  if (buf !== null) bumpVersion(buf);
}

/**
 * One Adam / AdamW step in place on `param` and its moments `m`, `v` (and `vmax` with
 * amsgrad). See `AdamStep`; PyTorch's `torch.optim.Adam` / `AdamW` arithmetic.
 */
export function adamStep_(
  param: Tensor,
  grad: Tensor,
  m: Tensor,
  v: Tensor,
  vmax: Tensor | null,
  h: AdamStep,
): void {
  const op = 'adamStep_';
  checkWritable(op, param);
  checkWritable(op, m);
  checkWritable(op, v);
  if (vmax !== null) checkWritable(op, vmax);
  kernels().adamStep(
    dense(op, param, 'the parameter', param),
    dense(op, grad, 'the gradient', param),
    dense(op, m, 'the first moment', param),
    dense(op, v, 'the second moment', param),
    vmax === null ? null : dense(op, vmax, 'the max second moment', param),
    param.size,
    h,
  );
  bumpVersion(param);
  bumpVersion(m);
  bumpVersion(v);
  if (vmax !== null) bumpVersion(vmax);
}

/**
 * Σ |t|ᵖ over every element, in float64 (max |t| for p = Infinity): a p-norm to the p.
 *
 * @example
 * Math.sqrt(sumAbsPow(g, 2)); // the 2-norm of g
 */
export function sumAbsPow(t: Tensor, p: number): number {
  return kernels().sumAbsPow(t.data, p);
}
