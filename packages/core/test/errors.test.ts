// Every bad input gets an error of its own class whose message names the op, the argument
// and the shapes or values.

import {
  AnomalyError,
  AutogradError,
  add,
  arange,
  concat,
  DTypeError,
  defineOp,
  div,
  expand,
  eye,
  fromNdarray,
  full,
  gather,
  grad,
  IndexError,
  linear,
  linearRelu,
  linspace,
  logsumexp,
  matmul,
  maximum,
  mean,
  mul,
  ones,
  pow,
  rand,
  randn,
  reshape,
  ShapeError,
  slice,
  softmax,
  stack,
  sub,
  sum,
  TapegradError,
  type Tensor,
  tensor,
  transpose,
  unsqueeze,
  ValueError,
  where,
  zeros,
} from '@tapegrad/core';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';

type ErrorClass = abstract new (...args: never[]) => TapegradError;

/** The error `fn` throws (failing the test when it throws none). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw, got none');
}

/** `fn` throws an instance of `cls` (a TapegradError) with exactly `message`. */
function expectError(fn: () => unknown, cls: ErrorClass, message: string | RegExp): TapegradError {
  const e = thrown(fn);
  expect(e).toBeInstanceOf(cls);
  expect(e).toBeInstanceOf(TapegradError);
  const err = e as TapegradError;
  if (typeof message === 'string') expect(err.message).toBe(message);
  else expect(err.message).toMatch(message);
  expect(err.name).toBe((cls as unknown as { name: string }).name);
  expect(err.message.startsWith(`${err.op}: `)).toBe(true);
  return err;
}

const z = (...shape: number[]): Tensor => zeros(shape);
const leaf = (...shape: number[]): Tensor => zeros(shape, { requiresGrad: true });

describe('ShapeError: matmul', () => {
  it('inner dimensions differ', () => {
    const e = expectError(
      () => matmul(z(2, 3), z(4, 5)),
      ShapeError,
      'matmul: inner dimensions differ: [2,3] @ [4,5] (3 vs 4)',
    );
    expect(e.op).toBe('matmul');
    expect((e as ShapeError).shapes).toEqual([
      [2, 3],
      [4, 5],
    ]);
  });

  it('names 1-D operands by their own shapes', () => {
    expectError(
      () => matmul(z(3), z(4, 5)),
      ShapeError,
      'matmul: inner dimensions differ: [3] @ [4,5] (3 vs 4)',
    );
    expectError(
      () => matmul(z(2, 3), z(4)),
      ShapeError,
      'matmul: inner dimensions differ: [2,3] @ [4] (3 vs 4)',
    );
    expectError(
      () => matmul(z(2), z(3)),
      ShapeError,
      'matmul: inner dimensions differ: [2] @ [3] (2 vs 3)',
    );
  });

  it('batch dims that cannot broadcast', () => {
    expectError(
      () => matmul(z(2, 2, 3), z(3, 3, 5)),
      ShapeError,
      'matmul: batch dims cannot broadcast: [2,2,3] @ [3,3,5] (batch [2] vs [3])',
    );
  });

  it('a 0-d operand', () => {
    expectError(
      () => matmul(tensor(1), z(2)),
      ShapeError,
      'matmul: both operands need at least 1 dim, got [] @ [2]',
    );
  });
});

describe('ShapeError and ValueError: linear and linearRelu', () => {
  for (const [name, f] of [
    ['linear', linear],
    ['linearRelu', linearRelu],
  ] as const) {
    it(`${name}: names the op and the shapes, or the argument that is not a tensor`, () => {
      const e = expectError(
        () => f(z(8, 3), z(4, 5), z(4)),
        ShapeError,
        `${name}: expected x [..., in], weight [out, in] and bias [out], got x [8,3], weight [4,5], bias [4]`,
      );
      expect((e as ShapeError).shapes).toEqual([[8, 3], [4, 5], [4]]);
      expectError(
        () => f(z(8, 3), z(4, 3), z(3)),
        ShapeError,
        `${name}: expected x [..., in], weight [out, in] and bias [out], got x [8,3], weight [4,3], bias [3]`,
      );
      expectError(
        () => f(z(8, 3), z(3)),
        ShapeError,
        `${name}: expected x [..., in], weight [out, in] and bias [out], got x [8,3], weight [3]`,
      );
      expectError(
        () => f(z(8, 3), null as unknown as Tensor),
        ValueError,
        `${name}: weight must be a Tensor, got null`,
      );
      expectError(
        () => f(z(8, 3), z(4, 3), [1, 2, 3, 4] as unknown as Tensor),
        ValueError,
        `${name}: bias must be a Tensor or null, got an array of length 4`,
      );
    });
  }
});

describe('ShapeError: broadcasting', () => {
  it.each([
    [
      'add',
      () => add(z(2, 3), z(4)),
      'add: shapes [2,3] and [4] cannot broadcast (dim -1: 3 vs 4)',
    ],
    [
      'sub',
      () => sub(z(3, 1), z(2, 4)),
      'sub: shapes [3,1] and [2,4] cannot broadcast (dim -2: 3 vs 2)',
    ],
    [
      'mul',
      () => mul(z(2, 3), z(2)),
      'mul: shapes [2,3] and [2] cannot broadcast (dim -1: 3 vs 2)',
    ],
    ['div', () => div(z(5), z(4)), 'div: shapes [5] and [4] cannot broadcast (dim -1: 5 vs 4)'],
    ['pow', () => pow(z(2), z(3)), 'pow: shapes [2] and [3] cannot broadcast (dim -1: 2 vs 3)'],
    [
      'maximum',
      () => maximum(z(2, 2), z(3)),
      'maximum: shapes [2,2] and [3] cannot broadcast (dim -1: 2 vs 3)',
    ],
    [
      'where',
      () => where(z(2), z(3), 1),
      'where: shapes [2] and [3] cannot broadcast (dim -1: 2 vs 3)',
    ],
    [
      'gt (method)',
      () => z(2).gt(z(3)),
      'gt: shapes [2] and [3] cannot broadcast (dim -1: 2 vs 3)',
    ],
  ])('%s', (_, fn, message) => {
    expectError(fn, ShapeError, message);
  });

  it('records the shapes on the error', () => {
    const e = expectError(() => add(z(2, 3), z(4)), ShapeError, /cannot broadcast/) as ShapeError;
    expect(e.shapes).toEqual([[2, 3], [4]]);
  });

  it('expand to a shape the input does not broadcast to', () => {
    expectError(
      () => expand(z(2, 3), [4, 3]),
      ShapeError,
      'expand: shapes [2,3] and [4,3] cannot broadcast (dim -2: 2 vs 4)',
    );
    expectError(() => expand(z(2, 3), [3]), ShapeError, 'expand: cannot expand shape [2,3] to [3]');
  });
});

describe('ShapeError: reshape', () => {
  it('to an incompatible size', () => {
    expectError(
      () => reshape(z(2, 3), [4, 2]),
      ShapeError,
      'reshape: cannot reshape a tensor of shape [2,3] (6 elements) to [4,2]',
    );
    expectError(
      () => z(2, 3).reshape([-1, 4]),
      ShapeError,
      'reshape: cannot reshape a tensor of shape [2,3] (6 elements) to [-1,4]',
    );
  });

  it('with two -1', () => {
    expectError(
      () => reshape(z(2, 3), [-1, -1]),
      ShapeError,
      'reshape: only one dim can be -1, got [-1,-1]',
    );
  });

  it('with a negative or fractional dim', () => {
    expectError(
      () => reshape(z(2, 3), [-2, -3]),
      ShapeError,
      /cannot reshape a tensor of shape \[2,3\]/,
    );
    expectError(() => reshape(z(2, 3), [1.5, 4]), ShapeError, /to \[1\.5,4\]$/);
  });

  it('with a shape or dims that are not lists (from JavaScript)', () => {
    expectError(
      () => reshape(z(2, 3), 6 as unknown as number[]),
      ShapeError,
      'reshape: shape must be a list of integers (one may be -1), got 6',
    );
    expectError(
      () => sum(z(2, 3), '1' as unknown as number),
      ShapeError,
      'sum: dim must be a number or a list of numbers, got "1"',
    );
  });
});

describe('ShapeError: a dim out of range', () => {
  const range2 = 'of a tensor of shape [2,3]; expected a dim in [-2, 1]';
  it.each([
    ['sum', () => sum(z(2, 3), 2), `sum: dim 2 is out of range ${range2}`],
    ['sum (list)', () => z(2, 3).sum([0, -3]), `sum: dim -3 is out of range ${range2}`],
    ['mean', () => mean(z(2, 3), 5), `mean: dim 5 is out of range ${range2}`],
    ['max', () => z(2, 3).max(2), `max: dim 2 is out of range ${range2}`],
    ['logsumexp', () => logsumexp(z(2, 3), -3), `logsumexp: dim -3 is out of range ${range2}`],
    ['softmax', () => softmax(z(2, 3), -3), `softmax: dim -3 is out of range ${range2}`],
    ['logSoftmax', () => z(2, 3).logSoftmax(2), `logSoftmax: dim 2 is out of range ${range2}`],
    ['argmax', () => z(2, 3).argmax(2), `argmax: dim 2 is out of range ${range2}`],
    ['transpose', () => transpose(z(2, 3), 0, 5), `transpose: dim 5 is out of range ${range2}`],
    ['slice', () => slice(z(2, 3), 3, 0, 1), `slice: dim 3 is out of range ${range2}`],
    ['gather', () => gather(z(2, 3), 2, tensor([[0]])), `gather: dim 2 is out of range ${range2}`],
    ['concat', () => concat([z(2, 3), z(2, 3)], 2), `concat: dim 2 is out of range ${range2}`],
    ['squeeze', () => z(2, 3).squeeze(-3), `squeeze: dim -3 is out of range ${range2}`],
    [
      'unsqueeze',
      () => unsqueeze(z(2, 3), 3),
      'unsqueeze: dim 3 is out of range of a tensor of shape [2,3]; expected a dim in [-3, 2]',
    ],
    [
      'stack',
      () => stack([z(2), z(2)], 2),
      'stack: dim 2 is out of range of a tensor of shape [2]; expected a dim in [-2, 1]',
    ],
  ])('%s', (_, fn, message) => {
    expectError(fn, ShapeError, message);
  });

  it('on a scalar, which has no dims', () => {
    expectError(
      () => sum(tensor(1), 0),
      ShapeError,
      'sum: dim 0 is out of range of a tensor of shape []; a scalar has no dims',
    );
  });

  it('a repeated dim', () => {
    expectError(() => sum(z(2, 3), [0, -2]), ShapeError, 'sum: dims [0,-2] repeat a dim');
  });
});

describe('ShapeError: joining and picking', () => {
  it('concat of mismatched shapes', () => {
    expectError(
      () => concat([z(2, 3), z(2, 4)], 0),
      ShapeError,
      'concat: tensor 1 has shape [2,4] but tensor 0 has [2,3]; all dims but dim 0 must match',
    );
    expectError(
      () => concat([z(2, 3), z(2, 3, 1)], 1),
      ShapeError,
      'concat: tensor 1 has shape [2,3,1] but tensor 0 has [2,3]; all dims but dim 1 must match',
    );
  });

  it('stack of mismatched shapes', () => {
    expectError(
      () => stack([z(2, 3), z(3, 2)]),
      ShapeError,
      'stack: tensor 1 has shape [3,2] but tensor 0 has [2,3]',
    );
  });

  it('gather with an index of another rank', () => {
    expectError(
      () => gather(z(2, 3), 1, [0, 1]),
      ShapeError,
      'gather: index of shape [2] does not fit input of shape [2,3] along dim 1 (same rank, other dims no larger)',
    );
  });

  it('.T of a tensor that is not 2-D', () => {
    expectError(
      () => z(2, 3, 4).T,
      ShapeError,
      'T: .T needs a 2-D tensor, got shape [2,3,4]; use transpose(x, d0, d1)',
    );
    expectError(() => z(3).T, ShapeError, /got shape \[3\]/);
  });
});

describe('IndexError and ValueError: indices', () => {
  it('gather indices out of range', () => {
    expectError(
      () => gather(z(2, 3), 1, tensor([[0, 3]])),
      IndexError,
      'gather: index 3 at position 1 is out of range for a dim of size 3 (expected 0 ≤ index < 3)',
    );
    expectError(
      () => gather(z(2, 3), 0, tensor([[0, -1, 1]])),
      IndexError,
      'gather: index -1 at position 1 is out of range for a dim of size 2 (expected 0 ≤ index < 2)',
    );
    expectError(() => gather(z(4), 0, new Int32Array([1, 4])), IndexError, /index 4 at position 1/);
  });

  it('gather indices that are not whole numbers', () => {
    expectError(
      () => gather(z(2, 3), 1, tensor([[0.5]])),
      ValueError,
      'gather: index must hold whole numbers, got 0.5 at position 0',
    );
    expectError(() => gather(z(3), 0, [1, Number.NaN]), ValueError, /got NaN at position 1/);
  });

  it('slice bounds that are not integers', () => {
    expectError(
      () => slice(z(2, 3), 0, 0.5),
      IndexError,
      'slice: start and end must be integers, got 0.5 and undefined',
    );
  });
});

describe('ValueError, ShapeError and DTypeError: creating tensors', () => {
  it('ragged nested arrays', () => {
    expectError(
      () => tensor([[1, 2], [3]]),
      ValueError,
      'tensor: ragged nested arrays: at [1] expected an array of length 2 (shape [2,2]), got length 1',
    );
    expectError(
      () => tensor([[1, 2], 3] as unknown as number[][]),
      ValueError,
      'tensor: ragged nested arrays: at [1] expected an array of length 2 (shape [2,2]), got number',
    );
    expectError(
      () => tensor([1, [2]] as unknown as number[]),
      ValueError,
      'tensor: expected a number at [1], got an array (the nested arrays are ragged)',
    );
    expectError(
      () =>
        tensor([
          [[1], [2]],
          [[3], [4, 5]],
        ]),
      ValueError,
      'tensor: ragged nested arrays: at [1][1] expected an array of length 1 (shape [2,2,1]), got length 2',
    );
  });

  it('values that are not numbers', () => {
    expectError(
      () => tensor([1, 'a'] as unknown as number[]),
      ValueError,
      'tensor: expected a number at [1], got string',
    );
    expectError(
      () => tensor(null as unknown as number),
      ValueError,
      'tensor: expected a number, nested arrays or a typed array, got null',
    );
  });

  it('a shape that disagrees with the length of the data', () => {
    expectError(
      () => tensor(new Float32Array(5), { shape: [2, 3] }),
      ShapeError,
      'tensor: shape [2,3] needs 6 values but the data has 5',
    );
    expectError(
      () => tensor([1, 2, 3, 4], { shape: [3] }),
      ShapeError,
      'tensor: shape [3] needs 3 values but the data has 4',
    );
    expectError(
      () =>
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          { shape: [3] },
        ),
      ShapeError,
      'tensor: shape [3] needs 3 values but the data has 4',
    );
  });

  it('a shape that is not a list of non-negative integers', () => {
    expectError(
      () => zeros([2, -1]),
      ShapeError,
      'zeros: shape must be a list of non-negative integers, got [2,-1]',
    );
    // each creation function names itself, not the helper it is built on
    expectError(() => randn([2.5]), ShapeError, /^randn: .*got \[2\.5\]/);
    expectError(() => rand([-1]), ShapeError, /^rand: /);
    expectError(() => ones([1, -2]), ShapeError, /^ones: /);
    expectError(() => tensor([1, 2], { shape: [2, 0.5] }), ShapeError, /got \[2,0\.5\]/);
    expectError(() => eye(-1), ShapeError, /^eye: .*got \[-1,-1\]/);
    // NaN and Infinity print as themselves (JSON would print null)
    expectError(
      () => zeros([Number.NaN, Number.POSITIVE_INFINITY]),
      ShapeError,
      'zeros: shape must be a list of non-negative integers, got [NaN,Infinity]',
    );
  });

  it('a tensor too large to allocate', () => {
    expectError(
      () => arange(1e12),
      ValueError,
      'arange: cannot allocate 1000000000000 float32 values (shape [1000000000000])',
    );
    expectError(() => zeros([1e6, 1e6]), ValueError, /^zeros: cannot allocate 1000000000000 /);
    expectError(() => arange(0, 1e300), ValueError, /^arange: cannot allocate /);
  });

  it('a flat list with a shape that holds something other than numbers', () => {
    expectError(
      () => tensor([1, 'a', 3] as unknown as number[], { shape: [3] }),
      ValueError,
      'tensor: expected a number at [1], got string',
    );
    expectError(
      () => tensor([1, null] as unknown as number[], { shape: [2, 1] }),
      ValueError,
      'tensor: expected a number at [1], got null',
    );
  });

  it('a bad dtype', () => {
    expectError(
      () => tensor([1], { dtype: 'int32' as 'float32' }),
      DTypeError,
      `tensor: unknown dtype "int32"; expected 'float32' or 'float64'`,
    );
    expectError(
      () => ones([2], { dtype: 'float16' as 'float32' }),
      DTypeError,
      `ones: unknown dtype "float16"; expected 'float32' or 'float64'`,
    );
    expectError(
      () => z(2).to('int8' as 'float32'),
      DTypeError,
      `cast: unknown dtype "int8"; expected 'float32' or 'float64'`,
    );
    expectError(
      () => fromNdarray(ndarray(new Int32Array(4), [2, 2])),
      DTypeError,
      'fromNdarray: expected an ndarray over a Float32Array or Float64Array, got Int32Array',
    );
  });

  it('bad ranges', () => {
    expectError(
      () => arange(0, 5, 0),
      ValueError,
      'arange: step must be a finite non-zero number, got 0',
    );
    expectError(
      () => arange(0, Number.NaN),
      ValueError,
      'arange: start and end must be finite numbers, got 0 and NaN',
    );
    expectError(
      () => linspace(0, 1, -1),
      ValueError,
      'linspace: n must be a non-negative integer, got -1',
    );
    expectError(() => linspace(0, 1, 2.5), ValueError, /got 2\.5/);
  });

  it('full with a bad shape', () => {
    expectError(() => full([-1], 3), ShapeError, /full: shape must be/);
  });
});

describe('ValueError: misc arguments', () => {
  it('item() on a tensor with more than one element', () => {
    expectError(
      () => z(2).item(),
      ValueError,
      'item: only a tensor with one element can be converted to a number; got shape [2]',
    );
  });

  it('an array where an op expects a tensor or a number', () => {
    expectError(
      () => add(z(2), [1, 2] as unknown as Tensor),
      ValueError,
      'add: expected a Tensor or a number as input, got an array (wrap it with tensor(...))',
    );
    expectError(
      () => mul(z(2), 'x' as unknown as number),
      ValueError,
      'mul: expected a Tensor or a number as input, got string',
    );
  });

  it('concat and stack of nothing', () => {
    expectError(() => concat([]), ValueError, 'concat: expected at least one tensor');
    expectError(() => stack([]), ValueError, 'stack: expected at least one tensor');
  });

  it('a where branch or a fill value that is not a number', () => {
    expectError(
      () => where(z(2), null as unknown as number, 0),
      ValueError,
      'where: expected a Tensor or a number as input, got null',
    );
    expectError(
      () => full([2], '1' as unknown as number),
      ValueError,
      'full: value must be a number, got the string "1"',
    );
  });

  it('a non-finite leakyRelu slope', () => {
    expectError(
      () => z(2).leakyRelu(Number.NaN),
      ValueError,
      'leakyRelu: negativeSlope must be a finite number, got NaN',
    );
  });

  it('turning requiresGrad off on a non-leaf', () => {
    expectError(
      () => leaf(2).mul(2).requiresGrad_(false),
      ValueError,
      'requiresGrad_: cannot turn off requiresGrad on a non-leaf tensor; use detach()',
    );
  });

  it('a defineOp op called with the wrong number of inputs', () => {
    const twice = defineOp({
      name: 'twice',
      arity: 1,
      forward: ([a]) =>
        ndarray(
          a!.data.map((v) => 2 * v),
          a!.shape.slice(),
        ),
    });
    expectError(() => twice(z(1), z(1)), ValueError, 'twice: expected 1 input(s), got 2');
  });
});

describe('AutogradError and engine shape checks', () => {
  it('backward of a non-scalar without a gradient', () => {
    expectError(
      () => leaf(2, 3).mul(2).backward(),
      AutogradError,
      'backward: gradient can be implied only for an output with one element; this output has shape [2,3]: pass gradOutput of that shape',
    );
    expectError(
      () => grad(leaf(2).mul(2), [leaf(2)]),
      AutogradError,
      /^grad: gradient can be implied/,
    );
  });

  it('a second backward without retainGraph', () => {
    const x = leaf(2);
    const y = x.mul(2).sum();
    y.backward();
    expectError(
      () => y.backward(),
      AutogradError,
      "backward: trying to backward through the graph a second time ('sum' was already freed); pass { retainGraph: true } to the first backward if you need to backward twice",
    );
  });

  it('gradOutput of the wrong shape', () => {
    const e = expectError(
      () => leaf(2, 3).mul(2).backward(z(3, 2)),
      ShapeError,
      'backward: gradOutput has shape [3,2] but the output has shape [2,3]',
    ) as ShapeError;
    expect(e.shapes).toEqual([
      [3, 2],
      [2, 3],
    ]);
    const x = leaf(2);
    expectError(
      () => grad(x.mul(2), [x], { gradOutput: z(3) }),
      ShapeError,
      'grad: gradOutput has shape [3] but the output has shape [2]',
    );
  });

  it('backward or grad of a tensor that does not require grad', () => {
    expectError(
      () => z(2).sum().backward(),
      AutogradError,
      'backward: the tensor (shape []) does not require grad and has no graph; create the inputs with { requiresGrad: true }',
    );
    expectError(
      () => grad(z(2).sum(), [leaf(1)]),
      AutogradError,
      /^grad: the output \(shape \[\]\) does not require grad: no differentiable op connects it to a tensor that does/,
    );
    const x = leaf(2);
    expectError(
      () => grad(x.sum(), [x, z(3)]),
      AutogradError,
      'grad: input 1 (shape [3]) does not require grad',
    );
  });

  it('a user backward rule that returns a gradient of the wrong shape', () => {
    const bad = defineOp({
      name: 'badShape',
      forward: ([a]) => ndarray(a!.data.slice(), a!.shape.slice()),
      backward: () => [zeros([3])],
    });
    expectError(
      () => bad(leaf(2)).sum().backward(),
      ShapeError,
      'badShape: backward returned a gradient of shape [3] for input 0 of shape [2]',
    );
  });

  it('a user backward rule that returns the wrong number of gradients or a non-tensor', () => {
    const identity = ([a]: ndarray.NdArray<Float32Array | Float64Array>[]) =>
      ndarray(a!.data.slice(), a!.shape.slice());
    const tooFew = defineOp({ name: 'tooFew', forward: identity, backward: () => [] });
    expectError(
      () => tooFew(leaf(2)).sum().backward(),
      AutogradError,
      'tooFew: backward returned 0 gradient(s) for 1 input(s); return one Tensor or null per input',
    );
    const notTensor = defineOp({
      name: 'notTensor',
      forward: identity,
      backward: () => [2 as unknown as Tensor],
    });
    expectError(
      () => notTensor(leaf(2)).sum().backward(),
      AutogradError,
      'notTensor: backward returned a number as the gradient of input 0; expected a Tensor or null',
    );
  });

  it('a .grad of the wrong shape cannot be set by the user, whether it owns its buffer or is a view', () => {
    const message = "grad: .grad must have the tensor's shape [3], got one of shape [1,3]";
    const x = leaf(3);
    expectError(
      () => {
        x.grad = z(1, 3);
      },
      ShapeError,
      message,
    );
    expectError(
      () => {
        x.grad = z(3, 1).T;
      },
      ShapeError,
      message,
    );
    expect(x.grad).toBeNull();
  });

  it('arguments of backward, grad and matmul that are not tensors', () => {
    const x = leaf(2);
    expectError(
      () =>
        x
          .mul(2)
          .sum()
          .backward(2 as unknown as Tensor),
      ValueError,
      'backward: gradOutput must be a Tensor, got a number',
    );
    expectError(
      () => grad(x.sum(), [x, 3 as unknown as Tensor]),
      ValueError,
      'grad: input 1 must be a Tensor, got a number',
    );
    expectError(
      () => grad(x.sum(), x as unknown as Tensor[]),
      ValueError,
      'grad: inputs must be a list of tensors, got a Tensor',
    );
    expectError(
      () => matmul(z(2, 3), 2 as unknown as Tensor),
      ValueError,
      'matmul: operand b must be a Tensor, got a number',
    );
  });

  it('AnomalyError is a TapegradError too', () => {
    expect(new AnomalyError('log', 'forward', 'x')).toBeInstanceOf(TapegradError);
  });
});
