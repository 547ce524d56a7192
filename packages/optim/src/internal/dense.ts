// The layout the update kernels need, checked before a step with the optimizer's own
// messages: a parameter and its gradient of the same shape, each in row-major order, and
// state buffers of the parameter's shape.
import { ShapeError, type Tensor, ValueError } from '@tapegrad/core';
import { fmtShape, sameShape } from '@tapegrad/core/op-kit';

/** `t`'s strides as the messages print them: `[1,3]`. */
function strides(t: Tensor): string {
  return `[${t.stride().join(',')}]`;
}

/**
 * How messages name a parameter: `paramGroups[0].params[2]` in an optimizer, `params[2]` in
 * a list (group −1), `params` when it was given alone (index −1 too). Built only for an error.
 */
export function paramName(group: number, index: number): string {
  if (group >= 0) return `paramGroups[${group}].params[${index}]`;
  return index >= 0 ? `params[${index}]` : 'params';
}

/** A ValueError unless `param` is contiguous, naming it by `where` ('params[0]'). */
export function checkParam(op: string, param: Tensor, where: string): void {
  if (!param.isContiguous()) {
    throw new ValueError(
      op,
      `${where} (shape ${fmtShape(param.shape)}, strides ${strides(param)}) is not contiguous; optimizers update a parameter's values in place and need them in row-major order (make the parameter from a contiguous tensor, e.g. x.contiguous().detach().requiresGrad_())`,
    );
  }
}

/**
 * `grad` if its values lie in row-major order (the update kernels walk them so); a ValueError
 * naming the parameter (see `paramName`) otherwise. That `.grad` is a Tensor of the
 * parameter's shape is checked where it is assigned (core's `.grad` setter).
 */
export function checkGrad(
  op: string,
  param: Tensor,
  grad: Tensor,
  group: number,
  index: number,
): Tensor {
  if (!grad.isContiguous()) {
    throw new ValueError(
      op,
      `the .grad of ${paramName(group, index)} (shape ${fmtShape(param.shape)}) is not contiguous (strides ${strides(grad)}); set it to grad.contiguous() before stepping`,
    );
  }
  return grad;
}

/** A ShapeError unless the state buffer `buf` (`key`) has `param`'s shape. */
export function checkStateShape(
  op: string,
  param: Tensor,
  key: string,
  buf: Tensor,
  group: number,
  index: number,
): void {
  if (!sameShape(param.shape, buf.shape)) {
    throw new ShapeError(
      op,
      `${paramName(group, index)} (shape ${fmtShape(param.shape)}) has a ${key} of shape ${fmtShape(buf.shape)} in the optimizer's state; they must match`,
      [param.shape, buf.shape],
    );
  }
}
