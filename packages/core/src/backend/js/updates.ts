// The optimizers' fused update kernels of the 'js' backend: one pass over a parameter, its
// gradient and its state. Small functions with plain indexed loops, which V8 optimizes once
// and keeps (a loop inlined into a big method with mixed number types was seen to deoptimize
// and stay slow). Each loop reads back what it stores, so that a float32 buffer rounds as
// PyTorch's does.
import type { FloatArray } from '../../dtype.js';
import type { AdamStep, Dense, SgdStep } from '../kernels.js';

/** p ← p − lr·(g + wd·p). */
function plainSgd(
  x: FloatArray,
  xo: number,
  g: FloatArray,
  go: number,
  n: number,
  h: SgdStep,
): void {
  const lr = h.lr;
  const wd = h.weightDecay;
  if (wd === 0) {
    for (let i = 0; i < n; i++) x[xo + i] = x[xo + i]! - lr * g[go + i]!;
    return;
  }
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    x[xo + i] = xi - lr * (g[go + i]! + wd * xi);
  }
}

/**
 * d = g + wd·p; b ← d on the first step (no dampening), else mu·b + keep·d (keep = 1 − τ);
 * p ← p − lr·(d + mu·b) with Nesterov, else p − lr·b.
 */
function momentumSgd(
  x: FloatArray,
  xo: number,
  g: FloatArray,
  go: number,
  buf: FloatArray,
  bo: number,
  n: number,
  h: SgdStep,
): void {
  const lr = h.lr;
  const wd = h.weightDecay;
  const mu = h.momentum;
  const keep = h.keep;
  const nesterov = h.nesterov;
  const first = h.first;
  // On the first step the buffer is zero, so mu·0 + 1·d is exactly d.
  const bm = first ? 0 : mu;
  const bk = first ? 1 : keep;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    const d = g[go + i]! + wd * xi;
    buf[bo + i] = bm * buf[bo + i]! + bk * d;
    const b = buf[bo + i]!;
    x[xo + i] = xi - lr * (nesterov ? d + mu * b : b);
  }
}

/** One SGD step; see `Kernels.sgdStep`. */
export function sgdStep(p: Dense, g: Dense, buf: Dense | null, n: number, h: SgdStep): void {
  if (buf === null) plainSgd(p.data, p.offset, g.data, g.offset, n, h);
  else {
    momentumSgd(p.data, p.offset, g.data, g.offset, buf.data, buf.offset, n, h);
  }
}

/**
 * One Adam/AdamW step: p ← decay·p; g ← g + l2·p; m ← lerp(m, g, w1);
 * v ← beta2·v + w2·g²; vmax ← max(vmax, v) (amsgrad); p ← p − stepSize·m/(√v/bc2Sqrt + eps).
 */
function adam(
  x: FloatArray,
  xo: number,
  g: FloatArray,
  go: number,
  m: FloatArray,
  mo: number,
  v: FloatArray,
  vo: number,
  vmax: FloatArray,
  wo: number,
  n: number,
  h: AdamStep,
  amsgrad: boolean,
): void {
  const { decay, l2, w1, beta2, w2, stepSize, bc2Sqrt, eps } = h;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]! * decay;
    const gi = g[go + i]! + l2 * xi;
    const mi = m[mo + i]!;
    m[mo + i] = mi + w1 * (gi - mi);
    v[vo + i] = beta2 * v[vo + i]! + w2 * gi * gi;
    let vi = v[vo + i]!;
    if (amsgrad) {
      if (vi > vmax[wo + i]!) vmax[wo + i] = vi;
      vi = vmax[wo + i]!;
    }
    x[xo + i] = xi - stepSize * (m[mo + i]! / (Math.sqrt(vi) / bc2Sqrt + eps));
  }
}

/** One Adam / AdamW step; see `Kernels.adamStep`. */
export function adamStep(
  p: Dense,
  g: Dense,
  m: Dense,
  v: Dense,
  vmax: Dense | null,
  n: number,
  h: AdamStep,
): void {
  const w = vmax ?? v;
  adam(
    p.data,
    p.offset,
    g.data,
    g.offset,
    m.data,
    m.offset,
    v.data,
    v.offset,
    w.data,
    w.offset,
    n,
    h,
    h.amsgrad && vmax !== null,
  );
}
