// The layout the update kernels need, checked before a step with the optimizer's own
// messages: a parameter and its gradient of the same shape, each in row-major order.
import { type Tensor, ValueError } from '@tapegrad/core';
import { fmtShape, sameShape } from '@tapegrad/core/op-kit';

/** `t`'s strides as the messages print them: `[1,3]`. */
function strides(t: Tensor): string {
  return `[${t.stride().join(',')}]`;
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

/** A ValueError unless `grad` has `param`'s shape and is contiguous. Allocates nothing. */
export function checkGrad(op: string, param: Tensor, grad: Tensor): void {
  if (!sameShape(param.shape, grad.shape)) {
    throw new ValueError(
      op,
      `a parameter of shape ${fmtShape(param.shape)} has a .grad of shape ${fmtShape(grad.shape)}; they must match`,
    );
  }
  if (!grad.isContiguous()) {
    throw new ValueError(
      op,
      `the .grad of a parameter of shape ${fmtShape(param.shape)} is not contiguous (strides ${strides(grad)}); set it to grad.contiguous() before stepping`,
    );
  }
}
