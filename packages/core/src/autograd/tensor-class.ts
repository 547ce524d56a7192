// The Tensor class, for defineOp, which makes tensors but must not import tensor.ts. Op
// modules call defineOp while the package's modules are being evaluated, and tensor.ts imports
// the op library (its methods call the ops): if defineOp's module imported tensor.ts, a
// bundler or loader entering the package through an op module would run an op module before
// defineOp's own module had been evaluated. tensor.ts hands its class over here instead.
import { TapegradError } from '../errors.js';
import type { Tensor } from '../tensor.js';

let tensorClass: typeof Tensor | null = null;

/** Called once by tensor.ts, right after the class is defined. */
export function provideTensorClass(c: typeof Tensor): void {
  tensorClass = c;
}

/** The Tensor class (tensor.ts has run whenever a tensor exists). */
export function getTensorClass(): typeof Tensor {
  if (tensorClass === null) {
    throw new TapegradError(
      'defineOp',
      "the Tensor class is not loaded; import '@tapegrad/core' (its Tensor) before calling an op",
    );
  }
  return tensorClass;
}
