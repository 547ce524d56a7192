// In-place methods: the only way storage changes after creation. They write through views,
// broadcast and convert what they write, refuse tensors that are being recorded, and never
// read an element they have already overwritten.
import {
  AutogradError,
  arange,
  noGrad,
  Rng,
  rand,
  randn,
  ShapeError,
  tensor,
  ValueError,
  zeros,
} from '@tapegrad/core';
import { denseValues } from '@tapegrad/core/op-kit';
import { describe, expect, it } from 'vitest';

describe('in-place methods', () => {
  it('write the values and return the tensor itself', () => {
    const x = tensor([1, 2, 3], { dtype: 'float64' });
    expect(x.add_(1)).toBe(x);
    expect(x.toArray()).toEqual([2, 3, 4]);
    expect(x.sub_(tensor([1, 1, 1]), 2).toArray()).toEqual([0, 1, 2]);
    expect(x.mul_(tensor([2, 3, 4])).toArray()).toEqual([0, 3, 8]);
    expect(x.div_(2).toArray()).toEqual([0, 1.5, 4]);
    expect(x.add_(tensor([1, 1, 1]), 0.5).toArray()).toEqual([0.5, 2, 4.5]);
    expect(x.fill_(7).toArray()).toEqual([7, 7, 7]);
    expect(x.zero_().toArray()).toEqual([0, 0, 0]);
  });

  it('broadcast the other operand to the tensor, and convert it to its dtype', () => {
    const x = zeros([2, 3]);
    x.copy_(tensor([1, 2, 3], { dtype: 'float64' }));
    expect(x.dtype).toBe('float32');
    expect(x.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    x.add_(tensor([[10], [20]]));
    expect(x.toArray()).toEqual([
      [11, 12, 13],
      [21, 22, 23],
    ]);
    // 0.1 rounds once, when stored in float32
    expect(
      zeros([1])
        .copy_(tensor([0.1], { dtype: 'float64' }))
        .item(),
    ).toBe(Math.fround(0.1));
  });

  it('refuse an operand that would broadcast the tensor itself to a larger shape', () => {
    const x = zeros([3]);
    expect(() => x.add_(zeros([2, 3]))).toThrow(ShapeError);
    expect(() => x.add_(zeros([2, 3]))).toThrow(
      'add_: a tensor of shape [2,3] cannot be written into one of shape [3] (it would broadcast to [2,3])',
    );
    expect(() => x.copy_(zeros([4]))).toThrow(/copy_: shapes \[4\] and \[3\] cannot broadcast/);
  });

  it('write through a view into the storage it shares', () => {
    const base = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64' },
    );
    base.T.slice(0, 1, 2).fill_(0); // the second column of base
    expect(base.toArray()).toEqual([
      [1, 0],
      [3, 0],
    ]);
    base.slice(0, 0, 1).mul_(10);
    expect(base.toArray()).toEqual([
      [10, 0],
      [3, 0],
    ]);
  });

  it('read an overlapping view of the same storage before writing any of it', () => {
    // x[1:] = x[:-1] shifts right; an element-by-element copy would smear x[0] along
    const x = arange(5, undefined, 1, { dtype: 'float64' });
    x.slice(0, 1).copy_(x.slice(0, 0, 4));
    expect(x.toArray()).toEqual([0, 0, 1, 2, 3]);
    const y = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64' },
    );
    y.add_(y.T); // y + yᵀ, from y's values before the write
    expect(y.toArray()).toEqual([
      [2, 5],
      [5, 8],
    ]);
    y.add_(y); // the same view: each element is read before it is written
    expect(y.toArray()).toEqual([
      [4, 10],
      [10, 16],
    ]);
  });

  it('refuse a tensor that requires grad outside noGrad, as PyTorch refuses a leaf', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.add_(1)).toThrow(AutogradError);
    expect(() => w.fill_(0)).toThrow(
      'fill_: a tensor that requires grad (shape [2]) cannot be changed in place while ops are recorded; do it inside noGrad(() => …), or on x.detach()',
    );
    const view = w.mul(2);
    expect(() => view.zero_()).toThrow(/zero_: a tensor that requires grad/);
    noGrad(() => w.sub_(tensor([1, 1]), 0.5));
    expect(w.toArray()).toEqual([0.5, 1.5]);
    w.detach().add_(1); // detach shares storage and does not require grad
    expect(w.toArray()).toEqual([1.5, 2.5]);
  });

  it('clamp into [min, max], either bound optional, NaN left as it is', () => {
    const x = tensor([-3, -0.5, 0.5, 3, Number.NaN], { dtype: 'float64' });
    expect(x.clone().clamp_(-1, 1).toArray()).toEqual([-1, -0.5, 0.5, 1, Number.NaN]);
    expect(x.clone().clamp_(0).toArray()).toEqual([0, 0, 0.5, 3, Number.NaN]);
    expect(x.clone().clamp_(undefined, 0).toArray()).toEqual([-3, -0.5, 0, 0, Number.NaN]);
    expect(() => x.clamp_(1, -1)).toThrow(ValueError);
  });

  it('draw normal and uniform samples in the same order as randn and rand', () => {
    const n = zeros([3, 4], { dtype: 'float64' }).normal_(0, 1, { rng: new Rng(5) });
    expect(n.toArray()).toEqual(randn([3, 4], { dtype: 'float64', rng: new Rng(5) }).toArray());
    const u = zeros([7]).uniform_(0, 1, { rng: new Rng(6) });
    expect(u.toArray()).toEqual(rand([7], { rng: new Rng(6) }).toArray());
    // a strided view is filled in its own row-major order
    const base = zeros([2, 3], { dtype: 'float64' });
    base.T.normal_(2, 0.5, { rng: new Rng(7) });
    const want = randn([3, 2], { dtype: 'float64', rng: new Rng(7) })
      .mul(0.5)
      .add(2);
    expect(base.T.toArray()).toEqual(want.toArray());
    expect(() => zeros([1]).normal_(0, -1)).toThrow(/normal_: std must be ≥ 0, got -1/);
  });

  it('set_ swaps the storage for another of the same shape, dtype included', () => {
    const p = tensor([1.5, 2.5]);
    const same = p;
    p.set_(p.to('float64'));
    expect(p).toBe(same);
    expect(p.dtype).toBe('float64');
    expect(p.toArray()).toEqual([1.5, 2.5]);
    expect(() => p.set_(zeros([3]))).toThrow(
      'set_: src has shape [3] but the tensor has shape [2]',
    );
  });

  it('name what they got when it is not a tensor or a number', () => {
    const x = zeros([2]);
    expect(() => x.copy_([1, 2] as never)).toThrow(
      'copy_: src must be a Tensor, got an array (wrap it with tensor(...))',
    );
    expect(() => x.mul_('2' as never)).toThrow('mul_: expected a Tensor or a number, got string');
    expect(() => x.fill_(null as never)).toThrow('fill_: value must be a number, got null');
  });
});

describe('denseValues', () => {
  it("reads a dense tensor's own buffer, and a strided one through a copy", () => {
    const x = arange(6).reshape([2, 3]);
    const row = x.slice(0, 1);
    const dense = denseValues(row);
    expect(dense.data).toBe(x.data.data);
    expect(dense.offset).toBe(3);
    const t = denseValues(x.T);
    expect(t.data).not.toBe(x.data.data);
    expect([...t.data]).toEqual([0, 3, 1, 4, 2, 5]);
    expect(t.offset).toBe(0);
  });
});
