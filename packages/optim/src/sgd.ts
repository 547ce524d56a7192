// SGD: stochastic gradient descent with L2 weight decay, momentum (heavy ball) and
// Nesterov momentum, step for step as torch.optim.SGD.
import { type FloatArray, type Tensor, ValueError } from '@tapegrad/core';
import { checkBoolean, checkKnownKeys, checkNonNegative, checkRange } from './internal/check.js';
import { gradOffset } from './internal/dense.js';
import { sgdMomentumStep, sgdStep } from './internal/kernels.js';
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
  momentumBuffer: FloatArray;
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
    for (let gi = 0; gi < groups.length; gi++) {
      const group = groups[gi]!;
      const { lr, momentum, weightDecay, nesterov } = group;
      const keep = 1 - group.dampening;
      const params = group.params;
      for (let pi = 0; pi < params.length; pi++) {
        const p = params[pi]!;
        const grad = p.grad;
        if (grad === null) continue; // no gradient, no update (as in PyTorch)
        const x = p.data.data;
        const xo = p.data.offset;
        const g = grad.data.data;
        const go = gradOffset(OP, p, grad);
        if (momentum === 0) {
          sgdStep(x, xo, g, go, p.size, lr, weightDecay);
          continue;
        }
        let state = this.state.get(p);
        const first = state === undefined;
        if (state === undefined) {
          state = { momentumBuffer: this.newBuffer(p) };
          this.state.set(p, state);
        }
        const buf = state.momentumBuffer;
        sgdMomentumStep(
          x,
          xo,
          g,
          go,
          buf,
          p.size,
          lr,
          weightDecay,
          momentum,
          keep,
          nesterov,
          first,
        );
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
