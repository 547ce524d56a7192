// linear: y = x·Wᵀ + b, a dense layer in one op (PyTorch's F.linear). One node on the tape
// and one output array, where matmul(x, W.T) + b records three nodes and makes two arrays.
// It computes the same values, bit for bit: the product as matmul computes it, then the
// bias added into it (rounded once, as add does), and the same products in backward.
import { emptyArray } from '../array.js';
import { defineOp } from '../autograd/define-op.js';
import * as E from '../backend/expr.js';
import { kernels } from '../backend/registry.js';
import { fmtShape, ShapeError, ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { promoteAll } from './elementwise.js';
import { matmul, product2, productArray, swapped2, weightGrad } from './matmul.js';
import { squeeze, unsqueeze } from './reshape.js';
import { transpose } from './transpose.js';

const ADD = E.add(E.input(0), E.input(1));

/** x·Wᵀ (+ b): inputs [x, weight] or [x, weight, bias]. */
export const linearOp = defineOp<Tensor[]>({
  name: 'linear',
  forward: ([x, w, b], _attrs, op) => {
    const wt = swapped2(w!);
    if (b === undefined) return productArray(op.name, x!, wt);
    const dtype = promoteAll([x!, w!, b]);
    const same = dtype === promoteAll([x!, w!]);
    // a dense bias is added by the product's kernel as its last step (in wasm memory on
    // 'wasm', before the product is copied out); a strided one into the new product
    if (same && (b.stride[0] === 1 || b.shape[0]! <= 1)) return productArray(op.name, x!, wt, b);
    const y = productArray(op.name, x!, wt);
    const out = same ? y : emptyArray(y.shape, dtype); // in place: y is new
    kernels().map(ADD, [y, b], out);
    return out;
  },
  saves: [0, 1],
  // what matmul(x, W.T) + b gives: dx = dy·W, dW = (the product's gradient for Wᵀ)ᵀ, and
  // db = dy, summed over the rows by the engine as for add
  statelessBackward: true,
  backward: (dy, { inputs: [x, w, b], needsInputGrad: [dx, dw, db] }) => {
    const grads = [
      dx ? (dy.ndim === 2 ? product2(dy, false, w!, false) : matmul(dy, w!)) : null,
      dw ? transpose(weightGrad(x!, transpose(w!), dy)) : null,
    ];
    if (b !== undefined) grads.push(db ? dy : null);
    return grads;
  },
});

/**
 * A dense layer: `x·Wᵀ + b` for x of shape `[..., in]`, weight `[out, in]` and bias `[out]`
 * (or none), as PyTorch's `F.linear`; the same values as `matmul(x, weight.T).add(bias)` in
 * one op.
 *
 * @example
 * linear(x, w, b); // x: [batch, 3], w: [4, 3], b: [4] → [batch, 4]
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  for (const [name, t] of [
    ['x', x],
    ['weight', weight],
  ] as const) {
    if (!(t instanceof Tensor)) {
      const got = t === null || t === undefined ? String(t) : `a ${typeof t}`;
      throw new ValueError('linear', `${name} must be a Tensor, got ${got}`);
    }
  }
  if (bias !== null && !(bias instanceof Tensor)) {
    throw new ValueError('linear', `bias must be a Tensor or null, got a ${typeof bias}`);
  }
  const out = weight.shape[0];
  if (
    weight.ndim !== 2 ||
    x.ndim === 0 ||
    x.shape[x.ndim - 1] !== weight.shape[1] ||
    (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== out))
  ) {
    throw new ShapeError(
      'linear',
      `expected x [..., in], weight [out, in] and bias [out], got x ${fmtShape(x.shape)}, weight ${fmtShape(weight.shape)}${bias === null ? '' : `, bias ${fmtShape(bias.shape)}`}`,
      bias === null ? [x.shape, weight.shape] : [x.shape, weight.shape, bias.shape],
    );
  }
  if (x.ndim === 1) return squeeze(linear(unsqueeze(x, 0), weight, bias), 0);
  return bias === null ? linearOp(x, weight) : linearOp(x, weight, bias);
}
