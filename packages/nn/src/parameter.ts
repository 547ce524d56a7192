// Parameter: a tensor a module learns. Marking parameters with their own class is what lets
// a module find them among its fields without any registration code.
import { type DType, noGrad, Tensor, tensor } from '@tapegrad/core';

/**
 * A learnable leaf tensor (`requiresGrad: true`) held by a module. It always owns a
 * contiguous buffer, so initializers and optimizers may write into `p.data.data` directly.
 *
 * @example
 * class Scale extends Module {
 *   factor = new Parameter(ones([1]));   // found by parameters(), stateDict(), to()
 *   forward(x: Tensor) { return x.mul(this.factor); }
 * }
 */
export class Parameter extends Tensor {
  /** A parameter holding a copy of `value`'s values (cut from any graph), in `dtype` if given. */
  constructor(value: Tensor, options: { requiresGrad?: boolean; dtype?: DType } = {}) {
    const dtype = options.dtype ?? value.dtype;
    const copy = noGrad(() => tensor(value.toTypedArray(), { shape: value.shape, dtype }));
    super(copy.data, options.requiresGrad ?? true);
  }
}

/**
 * Convert `p`'s values, and its gradient, to `dtype` in place: `p` stays the same object
 * (what `Module.to` needs so that optimizers and tied layers keep holding it).
 */
export function castInPlace(p: Parameter, dtype: DType): void {
  if (p.dtype === dtype) return;
  noGrad(() => {
    const values = tensor(p.toTypedArray(), { shape: p.shape, dtype });
    (p as unknown as { data: Tensor['data'] }).data = values.data;
    if (p.grad !== null) p.grad = tensor(p.grad.toTypedArray(), { shape: p.grad.shape, dtype });
  });
}
