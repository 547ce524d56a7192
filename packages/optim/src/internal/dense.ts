// Direct access to a tensor's values as one row-major block of its typed array, which is
// what the update loops index; the check allocates nothing, so it can run on every step.
import { type Tensor, ValueError } from '@tapegrad/core';
import { fmtShape } from './check.js';

/**
 * The index of `t`'s first value in `t.data.data` when its values lie there in row-major
 * order (any offset), or -1 when they don't (a transposed or strided view).
 */
export function denseOffset(t: Tensor): number {
  return t.isContiguous() ? t.data.offset : -1;
}

/** `denseOffset(param)`, or a ValueError saying the parameter can't be updated in place. */
export function paramOffset(op: string, param: Tensor, where: string): number {
  const off = denseOffset(param);
  if (off < 0) {
    throw new ValueError(
      op,
      `${where} (shape ${fmtShape(param.shape)}, strides [${param.data.stride.join(',')}]) is not contiguous; optimizers update a parameter's values in place and need them in row-major order (make the parameter from a contiguous tensor, e.g. x.contiguous().detach().requiresGrad_())`,
    );
  }
  return off;
}

/**
 * `denseOffset(param.grad)` after checking that the gradient has the parameter's shape;
 * a ValueError naming the parameter otherwise.
 */
export function gradOffset(op: string, param: Tensor, grad: Tensor): number {
  const ps = param.shape;
  const gs = grad.shape;
  let same = ps.length === gs.length;
  for (let i = 0; same && i < ps.length; i++) same = ps[i] === gs[i];
  if (!same) {
    throw new ValueError(
      op,
      `a parameter of shape ${fmtShape(ps)} has a .grad of shape ${fmtShape(gs)}; they must match`,
    );
  }
  const off = denseOffset(grad);
  if (off < 0) {
    throw new ValueError(
      op,
      `the .grad of a parameter of shape ${fmtShape(ps)} is not contiguous (strides [${grad.data.stride.join(',')}]); set it to grad.contiguous() before stepping`,
    );
  }
  return off;
}
