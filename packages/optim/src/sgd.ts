// SGD: stochastic gradient descent with L2 weight decay, momentum (heavy ball) and
// Nesterov momentum, step for step as torch.optim.SGD.
import { type Tensor, ValueError } from '@tapegrad/core';
import { type SgdStep, sgdStep_ } from '@tapegrad/core/op-kit';
import { checkBoolean, checkKnownKeys, checkNonNegative, checkRange } from './internal/check.js';
import { Optimizer, type Params } from './optimizer.js';

/** The options of SGD, as each parameter group holds them. */
export interface SGDHyperparams {
  /** Learning rate γ (≥ 0). */
  lr: number;
  /** Momentum factor μ in [0, 1); 0 turns momentum off. */
  momentum: number;
  /** Dampening τ in [0, 1]: the buffer takes (1 − τ)·g from the second step on. */
  dampening: number;
  /** L2 strength λ (≥ 0): adds λ·p to the gradient, as ½·λ·‖p‖² in the loss would. */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov: boolean;
}

/** What `new SGD(params, options)` takes: `lr`, and any option to change from its default. */
export type SGDOptions = { readonly lr: number } & {
  readonly [K in keyof SGDHyperparams]?: SGDHyperparams[K];
};

/** The state SGD keeps per parameter (only with momentum). */
export interface SGDState {
  /** The velocity b: the gradient on the first step, then μ·b + (1 − τ)·g. */
  momentumBuffer: Tensor;
}

const OP = 'SGD';

/**
 * Stochastic gradient descent. With g the gradient of parameter p at step t:
 *
 *     g ← g + λ·p                                   (weightDecay λ ≠ 0)
 *     b ← g on the first step, else μ·b + (1 − τ)·g  (momentum μ ≠ 0)
 *     g ← g + μ·b if nesterov, else b
 *     p ← p − γ·g
 *
 * which is `torch.optim.SGD`'s update, including its first momentum step (no dampening).
 * `weightDecay` is L2 regularization, "gradual forgetting": the same update as adding
 * `½·λ·‖p‖²` to the loss. Parameter groups give parts of a model their own options.
 *
 * @example
 * const opt = new SGD(
 *   [{ params: weights, weightDecay: 1e-3 }, { params: biases }], // decay weights, not biases
 *   { lr: 0.1, momentum: 0.9, nesterov: true },
 * );
 * for (const { x, y } of loader) {
 *   opt.zeroGrad();
 *   softmaxCrossEntropy(model.forward(x), y).backward();
 *   opt.step();
 * }
 */
export class SGD extends Optimizer<SGDHyperparams, SGDState> {
  /** The kernel's hyperparameters, rewritten for each group and parameter: no object per step. */
  private readonly h: { -readonly [K in keyof SgdStep]: SgdStep[K] } = {
    lr: 0,
    weightDecay: 0,
    momentum: 0,
    keep: 1,
    nesterov: false,
    first: false,
  };

  constructor(params: Params<SGDHyperparams>, options: SGDOptions) {
    super(OP, params, options, {
      lr: undefined,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
    });
  }

  protected override checkOptions(h: SGDHyperparams, where: string, op: string): void {
    checkNonNegative(op, `${where}lr`, h.lr);
    checkRange(op, `${where}momentum`, h.momentum, { lo: 0, hi: 1, hiOpen: true });
    checkRange(op, `${where}dampening`, h.dampening, { lo: 0, hi: 1 });
    checkNonNegative(op, `${where}weightDecay`, h.weightDecay);
    checkBoolean(op, `${where}nesterov`, h.nesterov);
    if (h.nesterov && (h.momentum === 0 || h.dampening !== 0)) {
      throw new ValueError(
        op,
        `${where}nesterov needs momentum > 0 and dampening 0, got momentum ${h.momentum} and dampening ${h.dampening}`,
      );
    }
  }

  protected override update(): void {
    const groups = this.paramGroups;
    const h = this.h;
    for (let gi = 0; gi < groups.length; gi++) {
      const group = groups[gi]!;
      h.lr = group.lr;
      h.weightDecay = group.weightDecay;
      h.momentum = group.momentum;
      h.keep = 1 - group.dampening;
      h.nesterov = group.nesterov;
      const params = group.params;
      for (let pi = 0; pi < params.length; pi++) {
        const p = params[pi]!;
        const grad = p.grad;
        if (grad === null) continue; // no gradient, no update (as in PyTorch)
        if (h.momentum === 0) {
          h.first = false;
          sgdStep_(p, grad, null, h);
          continue;
        }
        let state = this.state.get(p);
        h.first = state === undefined;
        if (state === undefined) {
          state = { momentumBuffer: this.newBuffer(p) };
          this.state.set(p, state);
        }
        sgdStep_(p, grad, state.momentumBuffer, h);
      }
    }
  }

  protected override restoreState(
    saved: Readonly<Record<string, unknown>>,
    param: Tensor,
    _group: SGDHyperparams,
    where: string,
  ): SGDState {
    checkKnownKeys(`${OP}.loadStateDict`, where, saved, ['momentumBuffer']);
    return { momentumBuffer: this.loadBuffer(saved, 'momentumBuffer', param, where) };
  }
}
