// The optimizers' update kernels, in float64 two values at a time (f64x2) over float32 or
// float64 buffers (T: f32 or f64, fixed per compiled copy): the JavaScript kernels'
// arithmetic operation for operation (src/backend/js/updates.ts), with a state value rounded
// to its buffer's dtype when stored and read back rounded, as there. The odd last value runs
// the same formulas on scalars. amsgrad and Nesterov are arguments (a test per pair of
// values that always goes the same way); plain SGD's weight decay picks a copy (see sgdStep).

// ---------------------------------------------------------------------------------------
// loads and stores of two values as an f64x2 (f32: 8 bytes widened; f64: 16 bytes)

function ld<T>(base: usize, i: usize): v128 {
  if (sizeof<T>() === 8) return v128.load(base + (i << 3));
  return f64x2.promote_low_f32x4(v128.load64_zero(base + (i << 2)));
}

/** Stores v; returns the stored values as read back (rounded to float32 for f32). */
function st<T>(base: usize, i: usize, v: v128): v128 {
  if (sizeof<T>() === 8) {
    v128.store(base + (i << 3), v);
    return v;
  }
  const r = f32x4.demote_f64x2_zero(v);
  v128.store64_lane(base + (i << 2), r, 0);
  return f64x2.promote_low_f32x4(r);
}

function ld1<T>(base: usize, i: usize): f64 {
  return sizeof<T>() === 8 ? load<f64>(base + (i << 3)) : <f64>load<f32>(base + (i << 2));
}

function st1<T>(base: usize, i: usize, v: f64): f64 {
  if (sizeof<T>() === 8) {
    store<f64>(base + (i << 3), v);
    return v;
  }
  const r = <f32>v;
  store<f32>(base + (i << 2), r);
  return <f64>r;
}

/** (a, a) */
function s(a: f64): v128 {
  return f64x2.splat(a);
}

// ---------------------------------------------------------------------------------------
// Adam / AdamW

function adamRun<T>(
  n: i32,
  x: usize,
  g: usize,
  m: usize,
  v: usize,
  vmax: usize,
  decay: f64,
  l2: f64,
  w1: f64,
  beta2: f64,
  w2: f64,
  stepSize: f64,
  bc2Sqrt: f64,
  eps: f64,
  amsgrad: bool,
): void {
  const pairs = <usize>n & ~1;
  for (let i: usize = 0; i < pairs; i += 2) {
    // xi = x·decay; gi = g + l2·xi
    const xi = f64x2.mul(ld<T>(x, i), s(decay));
    const gi = f64x2.add(ld<T>(g, i), f64x2.mul(s(l2), xi));
    // m ← m + w1·(gi − m)
    const mi = ld<T>(m, i);
    const mNew = st<T>(m, i, f64x2.add(mi, f64x2.mul(s(w1), f64x2.sub(gi, mi))));
    // v ← beta2·v + (w2·gi)·gi
    let vi = st<T>(
      v,
      i,
      f64x2.add(f64x2.mul(s(beta2), ld<T>(v, i)), f64x2.mul(f64x2.mul(s(w2), gi), gi)),
    );
    if (amsgrad) {
      // vmax ← vi > vmax ? vi : vmax; vi ← vmax
      const old = ld<T>(vmax, i);
      vi = st<T>(vmax, i, v128.bitselect(vi, old, f64x2.gt(vi, old)));
    }
    // x ← xi − stepSize·(m/(√vi/bc2Sqrt + eps))
    const denominator = f64x2.add(f64x2.div(f64x2.sqrt(vi), s(bc2Sqrt)), s(eps));
    st<T>(x, i, f64x2.sub(xi, f64x2.mul(s(stepSize), f64x2.div(mNew, denominator))));
  }
  if (pairs === <usize>n) return;
  const i = pairs;
  const xi = ld1<T>(x, i) * decay;
  const gi = ld1<T>(g, i) + l2 * xi;
  const mi = ld1<T>(m, i);
  const mNew = st1<T>(m, i, mi + w1 * (gi - mi));
  let vi = st1<T>(v, i, beta2 * ld1<T>(v, i) + w2 * gi * gi);
  if (amsgrad) {
    const old = ld1<T>(vmax, i);
    // biome-ignore lint/complexity/useMathMinMax: a NaN vi keeps the old value, as in the JS kernel
    vi = st1<T>(vmax, i, vi > old ? vi : old);
  }
  st1<T>(x, i, xi - stepSize * (mNew / (Math.sqrt(vi) / bc2Sqrt + eps)));
}

/**
 * One Adam / AdamW step over n values of p (x), its gradient g and its state m, v (and vmax
 * with amsgrad), all float32 (f64 = 0) or all float64 (f64 = 1), each at its address.
 */
export function adamStep(
  f64: i32,
  n: i32,
  x: usize,
  g: usize,
  m: usize,
  v: usize,
  vmax: usize,
  decay: f64,
  l2: f64,
  w1: f64,
  beta2: f64,
  w2: f64,
  stepSize: f64,
  bc2Sqrt: f64,
  eps: f64,
  amsgrad: i32,
): void {
  const ams = amsgrad !== 0;
  if (f64 !== 0) {
    adamRun<f64>(n, x, g, m, v, vmax, decay, l2, w1, beta2, w2, stepSize, bc2Sqrt, eps, ams);
  } else {
    adamRun<f32>(n, x, g, m, v, vmax, decay, l2, w1, beta2, w2, stepSize, bc2Sqrt, eps, ams);
  }
}

// ---------------------------------------------------------------------------------------
// SGD with momentum

function momentumRun<T>(
  n: i32,
  x: usize,
  g: usize,
  buf: usize,
  lr: f64,
  wd: f64,
  mu: f64,
  bm: f64,
  bk: f64,
  nesterov: bool,
): void {
  const pairs = <usize>n & ~1;
  for (let i: usize = 0; i < pairs; i += 2) {
    // d = g + wd·xi; b ← bm·b + bk·d; x ← xi − lr·(nesterov ? d + mu·b : b)
    const xi = ld<T>(x, i);
    const d = f64x2.add(ld<T>(g, i), f64x2.mul(s(wd), xi));
    const b = st<T>(buf, i, f64x2.add(f64x2.mul(s(bm), ld<T>(buf, i)), f64x2.mul(s(bk), d)));
    const step = nesterov ? f64x2.add(d, f64x2.mul(s(mu), b)) : b;
    st<T>(x, i, f64x2.sub(xi, f64x2.mul(s(lr), step)));
  }
  if (pairs === <usize>n) return;
  const i = pairs;
  const xi = ld1<T>(x, i);
  const d = ld1<T>(g, i) + wd * xi;
  const b = st1<T>(buf, i, bm * ld1<T>(buf, i) + bk * d);
  st1<T>(x, i, xi - lr * (nesterov ? d + mu * b : b));
}

/**
 * One SGD step with a momentum buffer over n values of p (x), its gradient g and buf, all
 * float32 (f64 = 0) or all float64 (f64 = 1); bm, bk are the buffer's weights (0 and 1 on
 * its first step, else momentum and 1 − dampening).
 */
export function sgdMomentumStep(
  f64: i32,
  n: i32,
  x: usize,
  g: usize,
  buf: usize,
  lr: f64,
  wd: f64,
  mu: f64,
  bm: f64,
  bk: f64,
  nesterov: i32,
): void {
  if (f64 !== 0) momentumRun<f64>(n, x, g, buf, lr, wd, mu, bm, bk, nesterov !== 0);
  else momentumRun<f32>(n, x, g, buf, lr, wd, mu, bm, bk, nesterov !== 0);
}

// ---------------------------------------------------------------------------------------
// SGD without momentum

function plainRun<T>(n: i32, x: usize, g: usize, lr: f64, wd: f64, decay: bool): void {
  const pairs = <usize>n & ~1;
  for (let i: usize = 0; i < pairs; i += 2) {
    // x ← x − lr·g, or x − lr·(g + wd·x) with weight decay
    const xi = ld<T>(x, i);
    const d = decay ? f64x2.add(ld<T>(g, i), f64x2.mul(s(wd), xi)) : ld<T>(g, i);
    st<T>(x, i, f64x2.sub(xi, f64x2.mul(s(lr), d)));
  }
  if (pairs === <usize>n) return;
  const i = pairs;
  const xi = ld1<T>(x, i);
  st1<T>(x, i, xi - lr * (decay ? ld1<T>(g, i) + wd * xi : ld1<T>(g, i)));
}

/**
 * One SGD step without momentum over n values of p (x) and its gradient g, both float32
 * (f64 = 0) or both float64: x − lr·g when wd is 0 (the weight-decay term left out, as the
 * JavaScript kernel does), else x − lr·(g + wd·x).
 */
export function sgdStep(f64: i32, n: i32, x: usize, g: usize, lr: f64, wd: f64): void {
  // a call per flag value, so that each inlined copy has no test per value: in a loop this
  // light the test cost 0.44 -> 0.52 ns a value without weight decay, 0.51 -> 0.72 with it
  // (Adam's and momentum's loops measured the same either way, so they take theirs as an
  // argument)
  if (f64 !== 0) {
    if (wd !== 0) plainRun<f64>(n, x, g, lr, wd, true);
    else plainRun<f64>(n, x, g, lr, wd, false);
  } else if (wd !== 0) {
    plainRun<f32>(n, x, g, lr, wd, true);
  } else {
    plainRun<f32>(n, x, g, lr, wd, false);
  }
}
