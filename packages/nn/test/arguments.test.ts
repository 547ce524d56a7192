// Wrong-typed arguments anywhere in the public API are typed errors (ValueError, or the
// StateDictError of a state dict that does not fit) naming the function, the argument, what
// it got and what it expects: never a raw TypeError from somewhere inside.
import { getDefaultRng, manualSeed, Rng, type Tensor, ValueError, zeros } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropyWithLogits,
  calculateGain,
  Dropout,
  dropout,
  fans,
  functionalCall,
  healthReport,
  hingeLoss,
  initWeight,
  kaimingNormal,
  kaimingUniform,
  LeakyReLU,
  Linear,
  lecunNormal,
  Maxout,
  MLP,
  maxout,
  measureActivation,
  mseLoss,
  multiclassHingeLoss,
  Neuron,
  Parameter,
  PReLU,
  prelu,
  ReLU,
  Sequential,
  StateDictError,
  saveSafetensors,
  smallRandom,
  softmaxCrossEntropy,
  summary,
  Tanh,
  trackHealth,
  xavierNormal,
  xavierUniform,
} from '../src/index.js';

const any = (v: unknown) => v as never;
const lin = () => new Linear(2, 3, { rng: new Rng(0) });

const RNG_EXPECTED =
  'rng must be an Rng (new Rng(seed)), or left out for the default generator that manualSeed seeds';
const INITS = "'small', 'lecun', 'xavier', 'kaiming' or a function (weight, rng) => void";

const cases: [string, () => unknown, new (...a: never[]) => Error, string][] = [
  // loadStateDict
  [
    'loadStateDict(null)',
    () => lin().loadStateDict(any(null)),
    ValueError,
    'loadStateDict: sd must be a state dict (a Map or an object of tensors by name, as stateDict() returns), got null',
  ],
  [
    'loadStateDict(3)',
    () => lin().loadStateDict(any(3)),
    ValueError,
    'loadStateDict: sd must be a state dict (a Map or an object of tensors by name, as stateDict() returns), got 3',
  ],
  [
    'loadStateDict([tensor])',
    () => lin().loadStateDict(any([zeros([3, 2])])),
    ValueError,
    'as stateDict() returns), got an array [a Tensor of shape [3,2]]',
  ],
  [
    'loadStateDict(a file name)',
    () => lin().loadStateDict(any('model.safetensors')),
    ValueError,
    `got "model.safetensors"; read a file with loadFile from '@tapegrad/nn/node' first`,
  ],
  [
    'loadStateDict with an array for a tensor',
    () => lin().loadStateDict(any({ weight: [[1, 2]], bias: zeros([3]) })),
    StateDictError,
    "loadStateDict: 'weight' must be a Tensor of shape [3,2], got an array [[…]]. Nothing was loaded.",
  ],
  [
    'loadStateDict with a Map holding numbers',
    () =>
      lin().loadStateDict(
        any(
          new Map<string, unknown>([
            ['weight', zeros([3, 2])],
            ['bias', 0],
          ]),
        ),
      ),
    StateDictError,
    "'bias' must be a Tensor of shape [3], got 0",
  ],
  [
    'loadStateDict(sd, null)',
    () => lin().loadStateDict(lin().stateDict(), any(null)),
    ValueError,
    'loadStateDict: options must be an object such as { strict: false }, got null',
  ],
  [
    'loadStateDict(sd, { strict: "no" })',
    () => lin().loadStateDict(lin().stateDict(), any({ strict: 'no' })),
    ValueError,
    'loadStateDict: options.strict must be true or false, got "no"',
  ],
  // Sequential
  [
    'new Sequential(new ReLU(), 3)',
    () => new Sequential(new ReLU(), any(3)),
    ValueError,
    'Sequential: layer 1 must be a Module, got 3',
  ],
  [
    'new Sequential([layers])',
    () => new Sequential(any([new ReLU()])),
    ValueError,
    'Sequential: layer 0 must be a Module, got an array [a ReLU]; pass the layers one by one: new Sequential(...layers)',
  ],
  [
    'sequential.append("relu")',
    () => new Sequential().append(any('relu')),
    ValueError,
    'Sequential.append: layer must be a Module, got "relu"',
  ],
  // initializers
  [
    'xavierUniform(t, 3)',
    () => xavierUniform(zeros([2, 3]), any(3)),
    ValueError,
    `xavierUniform: ${RNG_EXPECTED}, got 3`,
  ],
  [
    'xavierNormal(t, {})',
    () => xavierNormal(zeros([2, 3]), any({})),
    ValueError,
    `xavierNormal: ${RNG_EXPECTED}, got an object`,
  ],
  [
    'kaimingUniform(t, null)',
    () => kaimingUniform(zeros([2, 3]), any(null)),
    ValueError,
    `kaimingUniform: ${RNG_EXPECTED}, got null`,
  ],
  [
    'lecunNormal(null)',
    () => lecunNormal(any(null)),
    ValueError,
    'lecunNormal: t (the tensor to fill) must be a Tensor, got null',
  ],
  [
    'smallRandom([1, 2])',
    () => smallRandom(any([1, 2])),
    ValueError,
    'smallRandom: t (the tensor to fill) must be a Tensor, got an array [1, 2]',
  ],
  [
    'kaimingNormal(t, rng, null)',
    () => kaimingNormal(zeros([2, 3]), new Rng(0), any(null)),
    ValueError,
    "kaimingNormal: options must be an object such as { nonlinearity: 'relu' }, got null",
  ],
  [
    'fans(null)',
    () => fans(any(null)),
    ValueError,
    'fans: shape must be a list of non-negative integers, got null',
  ],
  [
    'initWeight(w, "glorot")',
    () => initWeight(zeros([2, 3]), any('glorot')),
    ValueError,
    `initWeight: init must be ${INITS}, got "glorot"`,
  ],
  [
    'initWeight(w, "xavier", 7)',
    () => initWeight(zeros([2, 3]), 'xavier', any(7)),
    ValueError,
    `initWeight: ${RNG_EXPECTED}, got 7`,
  ],
  // layers
  [
    'new Linear(2, 3, null)',
    () => new Linear(2, 3, any(null)),
    ValueError,
    'Linear: options must be an object such as { bias: false }, got null',
  ],
  [
    'new Linear(2, 3, { rng: 5 })',
    () => new Linear(2, 3, { rng: any(5) }),
    ValueError,
    `Linear: ${RNG_EXPECTED}, got 5`,
  ],
  [
    'new Linear(2, 3, { init: "glorot" })',
    () => new Linear(2, 3, { init: any('glorot') }),
    ValueError,
    `Linear: init must be ${INITS}, got "glorot"`,
  ],
  [
    'linear.resetParameters(5)',
    () => lin().resetParameters(any(5)),
    ValueError,
    `Linear.resetParameters: ${RNG_EXPECTED}, got 5`,
  ],
  [
    'new Neuron(2, null)',
    () => new Neuron(2, any(null)),
    ValueError,
    "Neuron: options must be an object such as { activation: 'tanh' }, got null",
  ],
  [
    'new Maxout(2, 3, null)',
    () => new Maxout(2, 3, any(null)),
    ValueError,
    'Maxout: options must be an object such as { pieces: 3 }, got null',
  ],
  [
    'new PReLU(null)',
    () => new PReLU(any(null)),
    ValueError,
    'PReLU: options must be an object such as { numParameters: 4 }, got null',
  ],
  [
    'new MLP(null)',
    () => new MLP(any(null)),
    ValueError,
    'MLP: sizes must be a list of at least two positive integers [input, …hidden, output], got null',
  ],
  [
    'new MLP([2, "x"])',
    () => new MLP(any([2, 'x'])),
    ValueError,
    'MLP: sizes must be a list of at least two positive integers [input, …hidden, output], got an array [2, "x"]',
  ],
  [
    'new MLP([2, 3], null)',
    () => new MLP([2, 3], any(null)),
    ValueError,
    "MLP: options must be an object such as { activation: 'tanh' }, got null",
  ],
  [
    'new Parameter([1, 2])',
    () => new Parameter(any([1, 2])),
    ValueError,
    'Parameter: value must be a Tensor, got an array [1, 2]',
  ],
  [
    'new Dropout(0.5, 3)',
    () => new Dropout(0.5, any(3)),
    ValueError,
    'Dropout: options must be an object such as { rng: new Rng(0) }, got 3',
  ],
  [
    'new Dropout("0.5")',
    () => new Dropout(any('0.5')),
    ValueError,
    'Dropout: p must be a number in [0, 1], got "0.5"',
  ],
  // forward passes and functions
  [
    'linear.forward(null)',
    () => lin().forward(any(null)),
    ValueError,
    'Linear: the input must be a Tensor whose last dim is 2 (inFeatures), got null',
  ],
  [
    'linear.forward([[1, 2]])',
    () => lin().forward(any([[1, 2]])),
    ValueError,
    'Linear: the input must be a Tensor whose last dim is 2 (inFeatures), got an array [[…]]',
  ],
  [
    'new Tanh().forward(3)',
    () => new Tanh().forward(any(3)),
    ValueError,
    'Tanh: the input must be a Tensor, got 3',
  ],
  [
    'new Sequential(new ReLU()).forward("x")',
    () => new Sequential(new ReLU()).forward(any('x')),
    ValueError,
    'ReLU: the input must be a Tensor, got "x"',
  ],
  [
    'dropout(null, 0.5)',
    () => dropout(any(null), 0.5),
    ValueError,
    'dropout: x must be a Tensor, got null',
  ],
  [
    'dropout(x, 0.5, null)',
    () => dropout(zeros([2]), 0.5, any(null)),
    ValueError,
    'dropout: options must be an object such as { training: false }, got null',
  ],
  [
    'prelu(x, 3)',
    () => prelu(zeros([2]), any(3)),
    ValueError,
    'prelu: weight must be a Tensor, got 3',
  ],
  [
    'maxout(x, null)',
    () => maxout(zeros([1, 3]), any(null)),
    ValueError,
    'maxout: weight must be a Tensor, got null',
  ],
  [
    'maxout(x, w, 3)',
    () => maxout(zeros([1, 3]), zeros([2, 4, 3]), any(3)),
    ValueError,
    'maxout: bias must be a Tensor or null, got 3',
  ],
  // losses
  [
    'mseLoss(null, [1])',
    () => mseLoss(any(null), [1]),
    ValueError,
    'mseLoss: pred must be a Tensor, got null',
  ],
  [
    'mseLoss(pred, null)',
    () => mseLoss(zeros([2]), any(null)),
    ValueError,
    'mseLoss: target must be a Tensor or an array of numbers, got null',
  ],
  [
    'hingeLoss(scores, {})',
    () => hingeLoss(zeros([2]), any({})),
    ValueError,
    'hingeLoss: targets must be a Tensor or an array of numbers, got an object',
  ],
  [
    'binaryCrossEntropyWithLogits(logits, "x")',
    () => binaryCrossEntropyWithLogits(zeros([2]), any('x')),
    ValueError,
    'binaryCrossEntropyWithLogits: targets must be a Tensor or an array of numbers, got "x"',
  ],
  [
    'binaryCrossEntropyWithLogits(logits, targets, null)',
    () => binaryCrossEntropyWithLogits(zeros([2]), [0, 1], any(null)),
    ValueError,
    "binaryCrossEntropyWithLogits: options must be an object such as { reduction: 'sum' }, got null",
  ],
  [
    'softmaxCrossEntropy(null, [0])',
    () => softmaxCrossEntropy(any(null), [0]),
    ValueError,
    'softmaxCrossEntropy: logits must be a Tensor, got null',
  ],
  [
    'multiclassHingeLoss(scores, labels, {})',
    () => multiclassHingeLoss(zeros([1, 3]), [0], any({})),
    ValueError,
    'multiclassHingeLoss: margin must be a finite number, got an object',
  ],
  [
    'multiclassHingeLoss([[1, 2]], [0])',
    () => multiclassHingeLoss(any([[1, 2]]), [0]),
    ValueError,
    'multiclassHingeLoss: scores must be a Tensor, got an array [[…]]',
  ],
  // module utilities
  [
    'functionalCall(null, {})',
    () => functionalCall(any(null), {}),
    ValueError,
    'functionalCall: module must be a Module, got null',
  ],
  [
    'functionalCall(module, null)',
    () => functionalCall(lin(), any(null)),
    ValueError,
    'functionalCall: parameters must be a Map or an object of tensors by name, got null',
  ],
  [
    'healthReport(null)',
    () => healthReport(any(null)),
    ValueError,
    'healthReport: module must be a Module, got null',
  ],
  [
    'trackHealth(3)',
    () => trackHealth(any(3)),
    ValueError,
    'trackHealth: module must be a Module, got 3',
  ],
  [
    'trackHealth(module, "no")',
    () => trackHealth(lin(), any('no')),
    ValueError,
    'trackHealth: enabled must be true or false, got "no"',
  ],
  [
    'summary(null)',
    () => summary(any(null)),
    ValueError,
    'summary: module must be a Module, got null',
  ],
  [
    'module.train("yes")',
    () => lin().train(any('yes')),
    ValueError,
    'train: mode must be true or false, got "yes"',
  ],
  [
    'registerForwardHook([])',
    () => lin().registerForwardHook(any([])),
    ValueError,
    'registerForwardHook: hook must be a function (module, inputs, output) => Tensor | undefined, got an array []',
  ],
  [
    'measureActivation("relu", null, y)',
    () => measureActivation('relu', any(null), zeros([2])),
    ValueError,
    'measureActivation: x must be a Tensor, got null',
  ],
  [
    'measureActivation("softplus", x, y)',
    () => measureActivation(any('softplus'), zeros([2]), zeros([2])),
    ValueError,
    "measureActivation: kind must be 'relu', 'leakyRelu', 'prelu', 'sigmoid' or 'tanh', got \"softplus\"",
  ],
  [
    'new LeakyReLU("0.1")',
    () => new LeakyReLU(any('0.1')),
    ValueError,
    'LeakyReLU: negativeSlope must be a finite number, got "0.1"',
  ],
  [
    'calculateGain("gelu")',
    () => calculateGain(any('gelu')),
    ValueError,
    "calculateGain: nonlinearity must be 'linear', 'sigmoid', 'tanh', 'relu' or 'leakyRelu', got \"gelu\"",
  ],
  // safetensors
  [
    'saveSafetensors(null)',
    () => saveSafetensors(any(null)),
    ValueError,
    'saveSafetensors: source must be a Module, a state dict (a Map of tensors by name) or an object of tensors by name, got null',
  ],
  [
    'saveSafetensors(model, null)',
    () => saveSafetensors(lin(), any(null)),
    ValueError,
    "saveSafetensors: options must be an object such as { metadata: { epoch: '3' } }, got null",
  ],
];

describe('wrong-typed arguments are typed errors naming the function and the argument', () => {
  it.each(cases)('%s', (_, fn, kind, message) => {
    let error: unknown = null;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    expect(error, 'no error was thrown').not.toBeNull();
    expect((error as Error).message).toContain(message);
    expect(error).toBeInstanceOf(kind);
  });
});

describe('initializers without an rng use the default generator, as PyTorch does', () => {
  it.each([
    ['xavierUniform', (t: Tensor, rng?: Rng) => xavierUniform(t, rng)],
    ['xavierNormal', (t: Tensor, rng?: Rng) => xavierNormal(t, rng)],
    ['kaimingUniform', (t: Tensor, rng?: Rng) => kaimingUniform(t, rng)],
    ['kaimingNormal', (t: Tensor, rng?: Rng) => kaimingNormal(t, rng)],
    ['lecunNormal', (t: Tensor, rng?: Rng) => lecunNormal(t, rng)],
    ['smallRandom', (t: Tensor, rng?: Rng) => smallRandom(t, rng)],
    ['initWeight', (t: Tensor, rng?: Rng) => initWeight(t, 'xavier', rng)],
  ])('%s(t) draws what manualSeed seeded', (_, init) => {
    manualSeed(11);
    const a = zeros([4, 3]);
    init(a);
    const b = zeros([4, 3]);
    init(b, new Rng(11));
    expect(a.toArray()).toEqual(b.toArray());
    // and it moved the default generator on, as a draw does
    expect(getDefaultRng().uniform()).toBe(
      (() => {
        const r = new Rng(11);
        init(zeros([4, 3]), r);
        return r.uniform();
      })(),
    );
  });
});
