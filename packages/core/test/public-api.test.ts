// The names DESIGN.md promises users: each is exported, and each op is also a method.
import * as core from '@tapegrad/core';
import * as kit from '@tapegrad/core/op-kit';
import { describe, expect, it } from 'vitest';

/** Ops: each is a free function and a Tensor method. */
const ops = [
  'add',
  'sub',
  'mul',
  'div',
  'neg',
  'pow',
  'exp',
  'log',
  'sqrt',
  'abs',
  'tanh',
  'sigmoid',
  'relu',
  'leakyRelu',
  'maximum',
  'minimum',
  'matmul',
  'sum',
  'mean',
  'max',
  'logsumexp',
  'softmax',
  'logSoftmax',
  'reshape',
  'transpose',
  'gather',
  'slice',
  'gt',
  'ge',
  'lt',
  'le',
  'eq',
  'argmax',
  'clone',
] as const;

const functions = [
  ...ops,
  'tensor',
  'zeros',
  'ones',
  'full',
  'randn',
  'rand',
  'arange',
  'eye',
  'fromNdarray',
  'concat',
  'stack',
  'noGrad',
  'grad',
  'defineOp',
  'gradcheck',
  'manualSeed',
  'toDot',
  'linear',
  'linearRelu',
  'detectAnomaly',
  'setBackend',
  'getBackend',
  'listBackends',
  'setNumThreads',
  'getNumThreads',
  'threadsReady',
  'ready',
  'indexSelect',
  // helpers for writing ops with defineOp (deprecated here: '@tapegrad/core/op-kit' has them)
  'allocate',
  'checkDtype',
  'dtypeOf',
  'fmtShape',
  'sameShape',
  'sizeOf',
  'broadcastShapes',
  'normalizeDim',
] as const;

/** In-place methods, PyTorch's names: the only way storage is written after creation. */
const inPlace = [
  'copy_',
  'fill_',
  'zero_',
  'add_',
  'sub_',
  'mul_',
  'div_',
  'clamp_',
  'normal_',
  'uniform_',
  'set_',
] as const;

const methods = [
  ...ops,
  ...inPlace,
  'indexSelect',
  'detach',
  'item',
  'toArray',
  'toTypedArray',
  'backward',
] as const;

/** What '@tapegrad/core/op-kit' gives op and optimizer authors. */
const opKit = [
  'defineOp',
  'elementwiseOp',
  'reductionOp',
  'reduceAttrs',
  'keepDims',
  'spread',
  'kernels',
  'kernelsOf',
  'registerBackend',
  'setBackend',
  'getBackend',
  'listBackends',
  'makeArray',
  'emptyArray',
  'arrayDtype',
  'contiguousArray',
  'castArray',
  'scalarArray',
  'denseValues',
  'checkWritable',
  'allocate',
  'checkDtype',
  'dtypeOf',
  'promote',
  'fmtShape',
  'broadcastShapes',
  'broadcastAll',
  'promoteAll',
  'normalizeDim',
  'normalizeDims',
  'reducedShape',
  'sameShape',
  'sizeOf',
  'contiguousStrides',
  'isRowMajor',
  'checkShape',
  'toIndexArray',
  'checkRange',
  'coreOpCall',
  'isInternal',
  'sgdStep_',
  'adamStep_',
  'sumAbsPow',
  'fromBuffer',
  'scalarTensor',
  'traceOps',
] as const;

describe('the public API of DESIGN.md', () => {
  it.each(functions)('exports %s as a function', (name) => {
    expect(typeof (core as Record<string, unknown>)[name]).toBe('function');
  });

  it.each(opKit)("'@tapegrad/core/op-kit' exports %s as a function", (name) => {
    expect(typeof (kit as Record<string, unknown>)[name]).toBe('function');
  });

  it("'@tapegrad/core/op-kit' exports the expression builders and the op registry", () => {
    expect(typeof kit.E.add).toBe('function');
    expect(typeof kit.E.select).toBe('function');
    expect(Object.keys(kit.CORE_OPS)).toContain('matmul');
  });

  it('exports the Rng and Tensor classes', () => {
    expect(new core.Rng(1)).toBeInstanceOf(core.Rng);
    expect(core.tensor(1)).toBeInstanceOf(core.Tensor);
  });

  it.each(methods)('Tensor has the method %s', (name) => {
    expect(typeof (core.Tensor.prototype as unknown as Record<string, unknown>)[name]).toBe(
      'function',
    );
  });

  it('the free function and the method agree', () => {
    const x = core.tensor(
      [
        [1, -2],
        [3, 4],
      ],
      { dtype: 'float64' },
    );
    expect(core.relu(x).toArray()).toEqual(x.relu().toArray());
    expect(core.sum(x, 1, true).toArray()).toEqual(x.sum(1, true).toArray());
    expect(x.T.toArray()).toEqual(core.transpose(x).toArray());
    expect(x.shape).toEqual([2, 2]);
    expect(x.dtype).toBe('float64');
  });
});
