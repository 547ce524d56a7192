// The update loops, one small function each: plain indexed loops over typed arrays that
// V8 optimizes once and keeps (a loop inlined into a big method with mixed number types
// was seen to deoptimize and stay slow). x: parameter values from xo, g: gradient from go;
// state buffers start at 0. Each reads back what it stores, so that a float32 buffer
// rounds as PyTorch's does.
import type { FloatArray } from '@tapegrad/core';

/** p ← p − lr·(g + wd·p). */
export function sgdStep(
  x: FloatArray,
  xo: number,
  g: FloatArray,
  go: number,
  n: number,
  lr: number,
  wd: number,
): void {
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
export function sgdMomentumStep(
  x: FloatArray,
  xo: number,
  g: FloatArray,
  go: number,
  buf: FloatArray,
  n: number,
  lr: number,
  wd: number,
  mu: number,
  keep: number,
  nesterov: boolean,
  first: boolean,
): void {
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
 * One Adam/AdamW step: p ← decay·p; g ← g + l2·p; m ← lerp(m, g, w1);
 * v ← beta2·v + w2·g²; vmax ← max(vmax, v) (amsgrad); p ← p − stepSize·m/(√v/bc2Sqrt + eps).
 */
export function adamStep(
  x: FloatArray,
  xo: number,
  g: FloatArray,
  go: number,
  m: FloatArray,
  v: FloatArray,
  vmax: FloatArray,
  n: number,
  decay: number,
  l2: number,
  w1: number,
  beta2: number,
  w2: number,
  stepSize: number,
  bc2Sqrt: number,
  eps: number,
  amsgrad: boolean,
): void {
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
