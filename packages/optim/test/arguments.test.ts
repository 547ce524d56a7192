// Wrong-typed arguments of optimizers, clipping and schedulers are ValueErrors naming the
// function, the argument (a parameter by its group and index), what it got and what it
// expects: never a raw TypeError from inside a kernel.
import { type Tensor, tensor, ValueError } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import {
  Adam,
  ChainedScheduler,
  CosineAnnealingLR,
  clipGradNorm,
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

  it.each([
    ['an array', [1, 1], 'got an array of length 2'],
    ['a number', 3, 'got 3'],
    ['a string', '0', 'got the string "0"'],
    ['an object', { data: [1, 1] }, 'got an object'],
  ])('a .grad that is %s is refused where it is assigned, as in PyTorch', (_, g, got) => {
    expect(() => params(g)).toThrow(
      new ValueError('grad', `.grad must be a Tensor of shape [2] or null, ${got}`),
    );
  });

  it('a .grad of the wrong shape is refused where it is assigned', () => {
    expect(() => params(tensor([1, 2, 3]))).toThrow(
      "grad: .grad must have the tensor's shape [2], got one of shape [3]",
    );
  });

  it('a failed step changed no parameter before the bad one', () => {
    const [a] = params(null);
    const b = tensor(
      [
        [4, 5],
        [6, 7],
      ],
      { requiresGrad: true },
    );
    b.grad = tensor([
      [1, 2],
      [3, 4],
    ]).T; // a transposed view: not contiguous
    const opt = new SGD([a!, b], { lr: 0.1 });
    expect(() => opt.step()).toThrow(
      'SGD.step: the .grad of paramGroups[0].params[1] (shape [2,2]) is not contiguous (strides [1,2])',
    );
    expect(a!.toArray()).toEqual([1, 2, 3]);
  });
});
