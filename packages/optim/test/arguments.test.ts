// Wrong-typed arguments of optimizers, clipping and schedulers are ValueErrors naming the
// function, the argument (a parameter by its group and index), what it got and what it
// expects: never a raw TypeError from inside a kernel.
import { type Tensor, tensor, ValueError } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  AdamW,
  ChainedScheduler,
  CosineAnnealingLR,
  clipGradNorm,
  clipGradValue,
  ExponentialLR,
  LinearWarmup,
  SequentialLR,
  SGD,
  StepLR,
} from '../src/index.js';

const any = (v: unknown) => v as never;

/** Two parameters with gradients; the second one's `.grad` is `grad`. */
function params(grad: unknown): Tensor[] {
  const a = tensor([1, 2, 3], { requiresGrad: true });
  const b = tensor([4, 5], { requiresGrad: true });
  a.grad = tensor([0.1, 0.2, 0.3]);
  b.grad = grad as Tensor;
  return [a, b];
}

const sgd = () => new SGD(params(null), { lr: 0.1 });

const cases: [string, () => unknown, string][] = [
  [
    'SGD.step with an array for a .grad',
    () => new SGD(params([1, 1]), { lr: 0.1 }).step(),
    'SGD.step: paramGroups[0].params[1] has a .grad that is not a Tensor: got [1, 1]; .grad must be a Tensor of shape [2], or null to skip the parameter',
  ],
  [
    'Adam.step with a number for a .grad',
    () => new Adam(params(3)).step(),
    'Adam.step: paramGroups[0].params[1] has a .grad that is not a Tensor: got 3',
  ],
  [
    'AdamW.step with a .grad in the second group',
    () => {
      const [a, b] = params({ data: [1, 1] });
      return new AdamW([{ params: [a!] }, { params: [b!] }]).step();
    },
    'AdamW.step: paramGroups[1].params[0] has a .grad that is not a Tensor: got an object',
  ],
  [
    'SGD with momentum, a string for a .grad',
    () => new SGD(params('0'), { lr: 0.1, momentum: 0.9 }).step(),
    'SGD.step: paramGroups[0].params[1] has a .grad that is not a Tensor: got "0"',
  ],
  [
    'a .grad of the wrong shape',
    () => new SGD(params(tensor([1, 2, 3])), { lr: 0.1 }).step(),
    'SGD.step: paramGroups[0].params[1] (shape [2]) has a .grad of shape [3]; they must match',
  ],
  [
    'clipGradNorm with an array for a .grad',
    () => clipGradNorm(params([1, 1]), 1),
    'clipGradNorm: params[1] has a .grad that is not a Tensor: got [1, 1]; .grad must be a Tensor of shape [2], or null to skip the parameter',
  ],
  [
    'clipGradValue of one tensor whose .grad is a number',
    () => clipGradValue(params(5)[1]!, 1),
    'clipGradValue: params has a .grad that is not a Tensor: got 5',
  ],
  [
    'new Adam(params, [])',
    () => new Adam(params(null), any([])),
    'Adam: options must be an object such as { lr: 0.1 }, got []',
  ],
  [
    'step(3)',
    () => sgd().step(any(3)),
    'SGD.step: closure must be a function (returning the loss), or left out, got 3',
  ],
  [
    'zeroGrad(null)',
    () => sgd().zeroGrad(any(null)),
    'SGD.zeroGrad: options must be an object such as { setToNone: false }, got null',
  ],
  [
    'zeroGrad({ setToNone: "yes" })',
    () => sgd().zeroGrad(any({ setToNone: 'yes' })),
    'SGD.zeroGrad: setToNone must be true or false, got "yes"',
  ],
  [
    'clipGradNorm(params, 1, null)',
    () => clipGradNorm(params(null), 1, any(null)),
    'clipGradNorm: options must be an object such as { normType: 2 }, got null',
  ],
  [
    'addParamGroup({})',
    () => sgd().addParamGroup(any({})),
    'SGD: paramGroups[1].params must be a list of tensors, got undefined',
  ],
  [
    'loadStateDict({})',
    () => sgd().loadStateDict(any({})),
    'SGD.loadStateDict: expected { state, paramGroups } from stateDict(), got an object',
  ],
  [
    'new StepLR(opt, null)',
    () => new StepLR(sgd(), any(null)),
    'StepLR: options must be an object such as { stepSize: 30 }, got null',
  ],
  [
    'new ExponentialLR(opt, 0.9)',
    () => new ExponentialLR(sgd(), any(0.9)),
    'ExponentialLR: options must be an object such as { gamma: 0.9 }, got 0.9',
  ],
  [
    'new CosineAnnealingLR(opt)',
    () => new CosineAnnealingLR(sgd(), any(undefined)),
    'CosineAnnealingLR: options must be an object such as { tMax: 100 }, got undefined',
  ],
  [
    'new LinearWarmup(opt, null)',
    () => new LinearWarmup(sgd(), any(null)),
    'LinearWarmup: options must be an object such as { warmupSteps: 5 }, got null',
  ],
  [
    'new SequentialLR(opt, null)',
    () => new SequentialLR(sgd(), any(null)),
    'SequentialLR: options must be an object such as { schedulers: [warmup, cosine], milestones: [5] }, got null',
  ],
  [
    'new ChainedScheduler([3])',
    () => new ChainedScheduler(any([3])),
    'ChainedScheduler: schedulers[0] is 3, not a scheduler',
  ],
  [
    'new StepLR({}, …)',
    () => new StepLR(any({}), { stepSize: 1 }),
    'StepLR: expected an optimizer (an object with paramGroups), got an object',
  ],
];

describe('wrong-typed arguments are ValueErrors naming the function and the argument', () => {
  it.each(cases)('%s', (_, fn, message) => {
    let error: unknown = null;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    expect(error, 'no error was thrown').not.toBeNull();
    expect((error as Error).message).toContain(message);
    expect(error).toBeInstanceOf(ValueError);
  });

  it('a failed step changed no parameter before the bad one', () => {
    const [a, b] = params([1, 1]);
    const opt = new SGD([a!, b!], { lr: 0.1 });
    expect(() => opt.step()).toThrow(ValueError);
    expect(a!.toArray()).toEqual([1, 2, 3]);
  });
});
