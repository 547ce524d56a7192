// A new op, written the way the library writes its own: softplus(x) = log(1 + eˣ), the smooth
// relative of ReLU, from the op kit's elementwise preset (the forward pass as an expression,
// the gradient as a rule), and an activation module that uses it.
import { sigmoid, type Tensor } from '@tapegrad/core';
import { E, elementwiseOp } from '@tapegrad/core/op-kit';
import { Activation } from '@tapegrad/nn';

/**
 * softplus(x) = log(1 + eˣ), computed as max(x, 0) + log1p(e^-|x|) so that it neither
 * overflows for large x nor loses precision for very negative x. Its derivative is σ(x).
 *
 * @example
 * softplus(tensor([0, 100])).toArray(); // [0.693…, 100]
 */
export const softplus = elementwiseOp({
  name: 'softplus',
  arity: 1,
  expr: ([x]) => E.add(E.max(x, 0), E.log1p(E.exp(E.neg(E.abs(x))))),
  backward: (dy, { inputs: [x] }) => [dy.mul(sigmoid(x))],
  // the rule keeps neither dy nor what it returns: backward may reuse their memory
  statelessBackward: true,
});

/**
 * The softplus activation as a layer: `new Sequential(new Linear(2, 100), new Softplus(), …)`.
 *
 * @example
 * new Softplus().forward(tensor([-1, 0, 1]));
 */
export class Softplus extends Activation {
  /** Softplus units never die or saturate the way ReLU and sigmoid do: no health statistics. */
  readonly kind = null;

  activate(x: Tensor): Tensor {
    return softplus(x);
  }
}
