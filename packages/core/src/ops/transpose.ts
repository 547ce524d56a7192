// transpose: swap two dims (a view: no copy; kernels read the strides).
import { checkTensor } from '../args.js';
import { type Arr, makeArray } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import { isGradEnabled } from '../autograd/mode.js';
import { getTensorClass } from '../autograd/tensor-class.js';
import { activeTracer } from '../autograd/trace.js';
import { COUNTER, counterOf } from '../autograd/version.js';
import { normalizeDim } from '../shape.js';
import type { Tensor } from '../tensor.js';

export interface TransposeAttrs {
  readonly d0: number;
  readonly d1: number;
}

export const transposeOp = defineOp<[x: Tensor], TransposeAttrs>({
  name: 'transpose',
  view: true,
  arity: 1,
  forward: ([x], { d0, d1 }) => swapped(x, d0, d1),
  saves: [],
  statelessBackward: true,
  backward: (dy, { attrs: { d0, d1 } }) => [transpose(dy, d0, d1)],
});

/** x's storage seen with dims d0 and d1 swapped. */
function swapped(x: Arr, d0: number, d1: number): Arr {
  const shape = x.shape.slice();
  const stride = x.stride.slice();
  shape[d0] = x.shape[d1]!;
  shape[d1] = x.shape[d0]!;
  stride[d0] = x.stride[d1]!;
  stride[d1] = x.stride[d0]!;
  return makeArray(x.data, shape, stride, x.offset);
}

/** Swap dims d0 and d1 (the last two by default). @example transpose(w) // Wᵀ */
export function transpose(x: Tensor, d0 = -2, d1 = -1): Tensor {
  checkTensor('transpose', x);
  const a = normalizeDim('transpose', d0, x.ndim, x.shape);
  const b = normalizeDim('transpose', d1, x.ndim, x.shape);
  if (a === b) return x;
  // Nothing to record and no tracer to tell: the very view the op would make, without the
  // op's bookkeeping (backward rules transpose often: a quarter of a small layer's backward)
  if (!(x.requiresGrad && isGradEnabled()) && activeTracer() === null) {
    const T = getTensorClass();
    const out = new T(swapped(x.data, a, b));
    out[COUNTER] = counterOf(x); // a view shares its base's version counter
    return out;
  }
  return transposeOp.run([x], { d0: a, d1: b });
}
