// Parameter: a tensor a module learns. Marking parameters with their own class is what lets
// a module find them among its fields without any registration code.
import { type DType, noGrad, Tensor } from '@tapegrad/core';
import { checkDtype, makeArray } from '@tapegrad/core/op-kit';
import { checkBoolean, checkTensor, optionsOf } from './internal/args.js';

/**
 * A learnable leaf tensor (`requiresGrad: true`) held by a module, always owning a contiguous
 * buffer. Initializers and optimizers change it with the in-place methods (`copy_`, `sub_`,
 * `normal_`, …) inside `noGrad`.
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
    checkTensor('Parameter', 'value', value);
    const o = optionsOf('Parameter', options, '{ requiresGrad: false }');
    const dtype = checkDtype('Parameter', o.dtype ?? value.dtype);
    const requiresGrad = checkBoolean('Parameter', 'requiresGrad', o.requiresGrad ?? true);
    // toTypedArray always copies: the parameter owns its buffer
    const values = value.detach().to(dtype).toTypedArray();
    super(makeArray(values, value.shape), requiresGrad);
  }
}

/**
 * Convert `p`'s values, and its gradient, to `dtype` in place: `p` stays the same object
 * (what `Module.to` needs so that optimizers and tied layers keep holding it).
 */
export function castInPlace(p: Parameter, dtype: DType): void {
  if (p.dtype === dtype) return;
  noGrad(() => {
    // a converted copy (cast makes a new contiguous buffer), which p then holds
    p.set_(p.detach().to(dtype));
    if (p.grad !== null) p.grad = p.grad.detach().to(dtype);
  });
}
