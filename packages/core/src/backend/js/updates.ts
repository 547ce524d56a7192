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
    buf[i] = bm * buf[i]! + bk * d;
    const b = buf[i]!;
    x[xo + i] = xi - lr * (nesterov ? d + mu * b : b);
  }
}

/**
 * A state buffer's n values as an array of their own from index 0: the buffer itself when
 * they start there (optimizers' buffers always do), else a view (no copy). The loops then
 * index state as `buf[i]`, measurably faster than `buf[offset + i]`.
 */
function own(d: Dense, n: number): FloatArray {
  return d.offset === 0 ? d.data : d.data.subarray(d.offset, d.offset + n);
}

/** One SGD step; see `Kernels.sgdStep`. */
export function sgdStep(p: Dense, g: Dense, buf: Dense | null, n: number, h: SgdStep): void {
  if (buf === null) plainSgd(p.data, p.offset, g.data, g.offset, n, h);
  else {
    momentumSgd(p.data, p.offset, g.data, g.offset, own(buf, n), n, h);
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
  v: FloatArray,
  vmax: FloatArray,
  n: number,
  h: AdamStep,
  amsgrad: boolean,
): void {
  const { decay, l2, w1, beta2, w2, stepSize, bc2Sqrt, eps } = h;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]! * decay;
    const gi = g[go + i]! + l2 * xi;
    const mi = m[i]!;
    m[i] = mi + w1 * (gi - mi);
    v[i] = beta2 * v[i]! + w2 * gi * gi;
    let vi = v[i]!;
    if (amsgrad) {
      if (vi > vmax[i]!) vmax[i] = vi;
      vi = vmax[i]!;
    }
    x[xo + i] = xi - stepSize * (m[i]! / (Math.sqrt(vi) / bc2Sqrt + eps));
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
  const vs = own(v, n);
  const amsgrad = h.amsgrad && vmax !== null;
  adam(
    p.data,
    p.offset,
    g.data,
    g.offset,
    own(m, n),
    vs,
    amsgrad ? own(vmax, n) : vs,
    n,
    h,
    amsgrad,
  );
}
