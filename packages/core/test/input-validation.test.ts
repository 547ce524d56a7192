// Bad input is refused before any work, with a typed error that names the function, the
// argument, what it got and what it expects (issue 10's cases, each one failing before).
import {
  defineOp,
  fromNdarray,
  gather,
  getDefaultRng,
  gradcheck,
  MAX_RANK,
  manualSeed,
  Rng,
  randn,
  reshape,
  ShapeError,
  TapegradError,
  type Tensor,
  tensor,
  toDot,
  unsqueeze,
  ValueError,
  zeros,
} from '@tapegrad/core';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';

function thrown(fn: () => unknown): TapegradError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TapegradError);
    return e as TapegradError;
  }
  throw new Error('expected an error');
}

const streamOf = (rng: Rng): number[] => [rng.nextUint32(), rng.nextUint32(), rng.nextUint32()];

describe('seeds', () => {
  const bad: [string, unknown, RegExp][] = [
    ['NaN', Number.NaN, /^Rng: seed must be a whole number, got NaN$/],
    ['a string', 'abc', /^Rng: seed must be a whole number, got the string "abc"$/],
    ['a fraction', 0.7, /^Rng: seed must be a whole number, got 0.7$/],
    ['Infinity', Number.POSITIVE_INFINITY, /^Rng: seed must be a whole number, got Infinity$/],
    ['null', null, /^Rng: seed must be a whole number, got null$/],
    [
      'an unsafe integer',
      2 ** 60,
      /^Rng: seed 1152921504606847000 is beyond 2\^53, where numbers lose their last digits; write it as a bigint/,
    ],
    ['a bigint out of range', 2n ** 64n, /^Rng: seed must lie in \[-2\^63, 2\^64\)/],
  ];
  it.each(bad)('new Rng(%s) is a ValueError naming the value', (_name, seed, message) => {
    const e = thrown(() => new Rng(seed as number));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toMatch(message);
  });

  it('manualSeed and rng.seed refuse them too, and keep the generator they had', () => {
    manualSeed(5);
    const before = getDefaultRng();
    expect(thrown(() => manualSeed(Number(undefined))).message).toBe(
      'manualSeed: seed must be a whole number, got NaN',
    );
    expect(getDefaultRng()).toBe(before);
    const r = new Rng(3);
    expect(thrown(() => r.seed(1.5)).message).toBe(
      'Rng.seed: seed must be a whole number, got 1.5',
    );
    expect(streamOf(r)).toEqual(streamOf(new Rng(3)));
    manualSeed(0);
  });

  it('whole numbers, negative ones and bigints give their own streams; a bigint equals its number', () => {
    const seeds = [0, 1, -1, 42, 2 ** 32, 2 ** 53 - 1];
    const streams = seeds.map((s) => streamOf(new Rng(s)).join());
    expect(new Set(streams).size).toBe(seeds.length);
    for (const s of seeds) expect(streamOf(new Rng(BigInt(s)))).toEqual(streamOf(new Rng(s)));
    // 2⁶⁴ − 1 and −1 are the same 64 bits, as in PyTorch
    expect(streamOf(new Rng(2n ** 64n - 1n))).toEqual(streamOf(new Rng(-1)));
  });

  it('permutation and int refuse counts that are not whole numbers ≥ 0', () => {
    const r = new Rng(0);
    expect(thrown(() => r.permutation(-1)).message).toBe(
      'Rng.permutation: n must be a whole number ≥ 0, got -1',
    );
    expect(thrown(() => r.permutation(1.5)).message).toBe(
      'Rng.permutation: n must be a whole number ≥ 0, got 1.5',
    );
    expect(Array.from(r.permutation(0))).toEqual([]);
    expect(thrown(() => r.int(3, 3)).message).toMatch(
      /^Rng.int: low and high must be whole numbers with low < high, got 3 and 3/,
    );
    expect(thrown(() => r.setState([0, 0, 0, 0, 0])).message).toMatch(
      /^Rng.setState: state must be what getState\(\) returned/,
    );
  });

  it('a permutation is the same as before the checks (Fisher–Yates from the same draws)', () => {
    // pinned from the implementation before the argument checks
    expect(Array.from(new Rng(7).permutation(6)).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    const a = new Rng(7);
    const b = new Rng(7);
    const p = Array.from(a.permutation(6));
    const q = [0, 1, 2, 3, 4, 5];
    for (let i = 5; i > 0; i--) {
      const j = b.int(0, i + 1);
      [q[i], q[j]] = [q[j]!, q[i]!];
    }
    expect(p).toEqual(q);
  });
});

describe('rank and nesting depth', () => {
  it(`shapes of more than MAX_RANK (${MAX_RANK}) dims are a ShapeError before anything is built`, () => {
    expect(MAX_RANK).toBe(64);
    for (const r of [65, 600, 2000, 1e6]) {
      const e = thrown(() => zeros(new Array(r).fill(1)));
      expect(e).toBeInstanceOf(ShapeError);
      expect(e.message).toBe(`zeros: a shape may have at most 64 dims, got ${r}`);
    }
    expect(zeros(new Array(64).fill(1)).ndim).toBe(64);
  });

  it('reshape, unsqueeze and fromNdarray check the rank they would make', () => {
    const x = zeros(new Array(64).fill(1));
    expect(thrown(() => unsqueeze(x, 0)).message).toBe(
      'reshape: the new shape may have at most 64 dims, got 65',
    );
    expect(thrown(() => reshape(zeros([1]), new Array(100).fill(1))).message).toBe(
      'reshape: the new shape may have at most 64 dims, got 100',
    );
    const big = ndarray(new Float64Array(1), new Array(70).fill(1));
    expect(thrown(() => fromNdarray(big)).message).toBe(
      'fromNdarray: an ndarray may have at most 64 dims, got 70',
    );
  });

  it('nested arrays deeper than MAX_RANK are refused without walking them', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const e = thrown(() => tensor(deep as number[]));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe('tensor: nested arrays may have at most 64 dims, got 65');
  });
});

describe('defineOp outputs', () => {
  it('an ndarray whose storage does not cover its shape is refused (it read as NaN)', () => {
    const short = defineOp<[x: Tensor]>({
      name: 'short',
      forward: () => ndarray(new Float64Array(2), [3]),
    });
    const e = thrown(() => short(zeros([3])));
    expect(e).toBeInstanceOf(ValueError);
    expect(e.message).toBe(
      'short: forward returned an ndarray of shape [3] (strides [1], offset 0) that reaches elements 0…2 of a storage of 2; its storage must hold every element',
    );
    const negative = defineOp<[x: Tensor]>({
      name: 'negative',
      forward: () => ndarray(new Float64Array(3), [3], [-1], 1),
    });
    expect(thrown(() => negative(zeros([3]))).message).toMatch(
      /reaches elements -1…1 of a storage of 3/,
    );
    // an empty output needs no storage; a reversed view inside its storage is fine
    const empty = defineOp<[x: Tensor]>({
      name: 'empty',
      forward: () => ndarray(new Float64Array(0), [0, 5]),
    });
    expect(empty(zeros([1])).shape).toEqual([0, 5]);
    const reversed = defineOp<[x: Tensor]>({
      name: 'reversed',
      forward: () => ndarray(Float64Array.of(1, 2, 3), [3], [-1], 2),
    });
    expect(reversed(zeros([1])).toArray()).toEqual([3, 2, 1]);
  });

  it("an output over an input's own storage is copied: writing it leaves the input alone", () => {
    const same = defineOp<[x: Tensor]>({
      name: 'same',
      forward: ([x]) => x,
      backward: (dy) => [dy],
    });
    const x = tensor([1, 2], { dtype: 'float64' });
    const y = same(x);
    expect(y.data.data).not.toBe(x.data.data);
    y.fill_(9);
    expect(x.toArray()).toEqual([1, 2]);
    // the built-in view ops still share storage
    expect(reshape(x, [2, 1]).data.data).toBe(x.data.data);
  });
});

describe('typed argument errors', () => {
  it('randn and rand name a bad rng', () => {
    expect(thrown(() => randn([2], { rng: {} as Rng })).message).toBe(
      'randn: rng must be an Rng (new Rng(seed)), got an object',
    );
  });

  it('creation functions refuse unknown options and non-boolean requiresGrad', () => {
    expect(thrown(() => zeros([2], { requiresgrad: true } as never)).message).toBe(
      'zeros: unknown option "requiresgrad"; the options are dtype, requiresGrad',
    );
    expect(thrown(() => tensor([1], { requiresGrad: 'yes' } as never)).message).toBe(
      'tensor: requiresGrad must be true or false, got the string "yes"',
    );
    expect(thrown(() => randn([2], 3 as never)).message).toBe(
      'randn: options must be an object, got 3',
    );
    const x = tensor([1], { requiresGrad: true });
    expect(thrown(() => x.sum().backward(undefined, { retain: true } as never)).message).toBe(
      'backward: unknown option "retain"; the options are retainGraph, createGraph',
    );
  });

  it('toDot and gradcheck say what they got', () => {
    expect(thrown(() => toDot(3 as never)).message).toBe('toDot: expected a Tensor, got 3');
    const x = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    expect(thrown(() => gradcheck(() => 3 as never, [x])).message).toBe(
      'gradcheck: fn must return a Tensor, got 3; build the result with tensor ops on the inputs',
    );
    expect(thrown(() => gradcheck('f' as never, [x])).message).toBe(
      'gradcheck: fn must be a function of the inputs, got the string "f"',
    );
    expect(thrown(() => gradcheck((a) => a, [x, 2 as never])).message).toBe(
      'gradcheck: input 1 must be a Tensor, got 2',
    );
    expect(thrown(() => gradcheck((a) => a, [x], { tol: 1 } as never)).message).toBe(
      'gradcheck: unknown option "tol"; the options are eps, atol, rtol, seed',
    );
  });

  it('labels as a Float32Array or strings are reported as such', () => {
    const x = zeros([2, 3]);
    expect(thrown(() => gather(x, 1, new Float32Array([0, 1]) as never)).message).toBe(
      'gather: index must be a Tensor, an Int32Array or a number[], got a Float32Array of length 2 (convert it with Int32Array.from(…))',
    );
    expect(thrown(() => gather(x, 1, 'cat' as never)).message).toBe(
      'gather: index must be a Tensor, an Int32Array or a number[], got the string "cat"',
    );
    expect(thrown(() => gather(x, 1, ['1', 0] as never)).message).toBe(
      'gather: index must hold whole numbers, got the string "1" at position 0',
    );
  });
});
