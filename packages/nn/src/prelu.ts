// PReLU: a leaky ReLU whose negative slope is learned — one for the layer, or one per channel
// (dim 1 of the input; dim 0 for a 1-D input).
import { type DType, full, ShapeError, type Tensor, ValueError, where } from '@tapegrad/core';
import { Activation } from './activation.js';
import { checkTensor, optionsOf, show } from './internal/args.js';
import { checkDtype } from './internal/check.js';
import { fmtShape } from './internal/values.js';
import { Parameter } from './parameter.js';

/**
 * The parametric ReLU `x > 0 ? x : a · x` with learnable `a` (`weight` of shape `[1]` or
 * `[channels]`, the channel being dim 1, or dim 0 of a 1-D input). The gradient at x = 0
 * goes to the `a · x` side, as in PyTorch.
 *
 * @example
 * prelu(tensor([[-2, 3]]), tensor([0.25])); // [[-0.5, 3]]
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  checkTensor('prelu', 'x', x);
  checkTensor('prelu', 'weight', weight);
  const c = weight.size;
  let a: Tensor;
  if (c === 1) a = weight.reshape([]);
  else {
    const ch = x.ndim >= 2 ? 1 : 0;
    if (weight.ndim !== 1 || x.ndim === 0 || x.shape[ch] !== c) {
      throw new ShapeError(
        'prelu',
        `weight of shape ${fmtShape(weight.shape)} needs ${c} channels in dim ${ch} of the input, got input of shape ${fmtShape(x.shape)}`,
        [x.shape, weight.shape],
      );
    }
    a = weight.reshape([c, ...new Array<number>(x.ndim - ch - 1).fill(1)]);
  }
  return where(x.gt(0), x, x.mul(a));
}

/** Options of `PReLU`. @example new PReLU({ numParameters: 16, init: 0.1 }) */
export interface PReLUOptions {
  /** 1 (default): one slope for the layer; the number of channels: one slope per channel. */
  readonly numParameters?: number;
  /** The initial slope (default 0.25, as in He et al. 2015). */
  readonly init?: number;
  readonly dtype?: DType;
}

/**
 * The parametric ReLU layer with a learned slope (`weight`, initialized to 0.25). Records
 * the units never in the positive regime over the batch as `dead`.
 *
 * @example
 * const act = new PReLU({ numParameters: 4 });   // one slope per feature of a [batch, 4] input
 * act.forward(randn([8, 4]));
 */
export class PReLU extends Activation {
  readonly kind = 'prelu';
  weight: Parameter;

  constructor(options: PReLUOptions = {}) {
    super();
    const op = 'PReLU';
    const o = optionsOf(op, options, '{ numParameters: 4 }');
    const n = o.numParameters ?? 1;
    const init = o.init ?? 0.25;
    if (!Number.isInteger(n) || n < 1)
      throw new ValueError(op, `numParameters must be a positive integer, got ${show(n)}`);
    if (typeof init !== 'number' || !Number.isFinite(init))
      throw new ValueError(op, `init must be a finite number, got ${show(init)}`);
    this.weight = new Parameter(full([n], init, { dtype: checkDtype(op, o.dtype ?? 'float32') }));
  }

  activate(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }

  override extraRepr(): string {
    return `numParameters=${this.weight.size}`;
  }
}
