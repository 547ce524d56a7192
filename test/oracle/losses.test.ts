// The losses of @tapegrad/nn against PyTorch (fixtures/losses.json, from scripts/oracle/losses.py,
// which says which PyTorch expression each is): every reduction; value, gradients w.r.t. the
// scores and any targets that require grad, and the second order where PyTorch has one.
import { type Labels, type Tensor, tensor } from '@tapegrad/core';
import {
  binaryCrossEntropyWithLogits,
  hingeLoss,
  type LossOptions,
  mseLoss,
  multiclassHingeLoss,
  softmaxCrossEntropy,
} from '@tapegrad/nn';
import { describe, it } from 'vitest';
import {
  checkFirstOrder,
  checkForward,
  checkSecondOrder,
  type DerivativeCase,
  eachBackend,
  loadFixture,
  type Setup,
  toTensor,
} from './helpers.js';

interface LossAttrs extends LossOptions {
  readonly reduction: NonNullable<LossOptions['reduction']>;
  /** Class labels, and the form to pass them in. */
  readonly labels?: number[];
  readonly labelsForm?: 'int32' | 'list' | 'tensor';
  /** Targets given as numbers (targets that require grad are the case's second input). */
  readonly targets?: number[];
  readonly margin?: number;
}

export interface LossCase extends DerivativeCase {
  readonly attrs: LossAttrs;
}

function labelsOf(a: LossAttrs): Labels {
  const y = a.labels!;
  if (a.labelsForm === 'int32') return Int32Array.from(y);
  if (a.labelsForm === 'tensor') return tensor(y);
  return y;
}

/** Each loss called as the fixture says: its first input, then targets or labels. */
export const LOSSES: Record<string, (xs: Tensor[], a: LossAttrs) => Tensor> = {
  softmaxCrossEntropy: ([z], a) => softmaxCrossEntropy(z!, labelsOf(a), { reduction: a.reduction }),
  binaryCrossEntropyWithLogits: ([z, t], a) =>
    binaryCrossEntropyWithLogits(z!, t ?? a.targets!, { reduction: a.reduction }),
  hingeLoss: ([s, t], a) => hingeLoss(s!, t ?? a.targets!, { reduction: a.reduction }),
  multiclassHingeLoss: ([s], a) =>
    multiclassHingeLoss(s!, labelsOf(a), a.margin, { reduction: a.reduction }),
  mseLoss: ([p, t], a) => mseLoss(p!, t ?? a.targets!, { reduction: a.reduction }),
};

const fixture = loadFixture<LossCase>('losses');

function setup(c: LossCase): Setup {
  const loss = LOSSES[c.op];
  if (loss === undefined) throw new Error(`fixture loss '${c.op}' has no call here`);
  const leaves = c.inputs.map((a) => toTensor(a, true));
  return {
    leaves,
    names: leaves.map((_, k) => (k === 0 ? 'scores' : 'targets')),
    call: () => loss(leaves, c.attrs),
  };
}

function title(c: LossCase): string {
  const { reduction, ...rest } = c.attrs;
  const shapes = c.inputs.map((a) => `[${a.shape}]`).join(' ');
  return `#${c.case} ${reduction} ${shapes} ${JSON.stringify(rest)}`;
}

eachBackend(() => {
  describe.each([...new Set(fixture.cases.map((c) => c.op))])('%s', (op) => {
    const cases = fixture.cases.filter((c) => c.op === op);
    describe.each(cases.map((c) => [title(c), c] as const))('%s', (_, c) => {
      it('value', () => checkForward(c, setup(c)));
      it('first order', () => checkFirstOrder(c, setup(c)));
      if (c.second !== undefined) it('second order', () => checkSecondOrder(c, setup(c)));
    });
  });
});
