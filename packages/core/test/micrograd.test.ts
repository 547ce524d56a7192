// micrograd's two test programs, with the values PyTorch computes for them.

import { type Tensor, tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';

const scalar = (v: number): Tensor => tensor(v, { dtype: 'float64', requiresGrad: true });

describe('micrograd test programs', () => {
  it('sanity check: x = -4 gives y = -20 and dy/dx = 46', () => {
    const x = scalar(-4);
    const z = x.mul(2).add(2).add(x);
    const q = z.relu().add(z.mul(x));
    const h = z.mul(z).relu();
    const y = h.add(q).add(q.mul(x));
    y.backward();
    expect(y.item()).toBe(-20);
    expect(x.grad!.item()).toBe(46);
  });

  it('more ops: g ≈ 24.7041, dg/da ≈ 138.8338, dg/db ≈ 645.5773', () => {
    const a = scalar(-4);
    const b = scalar(2);
    let c = a.add(b);
    let d = a.mul(b).add(b.pow(3));
    c = c.add(c.add(1));
    c = c.add(c.add(1).add(a.neg()));
    d = d.add(d.mul(2).add(b.add(a).relu()));
    d = d.add(d.mul(3).add(b.sub(a).relu()));
    const e = c.sub(d);
    const f = e.pow(2);
    let g = f.div(2);
    g = g.add(f.pow(-1).mul(10));
    g.backward();
    expect(g.item()).toBeCloseTo(24.70408163265306, 10);
    expect(a.grad!.item()).toBeCloseTo(138.83381924198252, 10);
    expect(b.grad!.item()).toBeCloseTo(645.5772594752186, 10);
  });
});
