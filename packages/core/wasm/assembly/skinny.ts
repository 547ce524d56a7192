// float32 products summed in float64, the JavaScript kernels' arithmetic: each cell is
// Σ_p A[i,p]·B[p,j] from p = 0 in float64 (the float32 products are exact there), rounded to
// float32 once. The 'wasm' backend runs the products its float32 kernel leaves alone (a
// side under 4: the notes' case study) here, with the same bits as the 'js' backend.
//
// B is first copied row-major into `work` (k×n values: these products are small), so two
// adjacent columns load as one f64x2; a 4-row × 4-column register tile keeps 8 independent
// sums in flight.

function packB(b: usize, brs: i32, bcs: i32, k: i32, n: i32, dst: usize): void {
  for (let p = 0; p < k; p++) {
    let s = b + ((<usize>(p * brs)) << 2);
    const step = (<usize>bcs) << 2;
    for (let j = 0; j < n; j++) {
      store<f32>(dst, load<f32>(s));
      s += step;
      dst += 4;
    }
  }
}

/** Two float32 values at p, widened to float64. */
function pair(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** One cell, scalar. */
function cell(a: usize, acs: i32, pb: usize, n: i32, k: i32): f32 {
  let s: f64 = 0;
  const as = (<usize>acs) << 2;
  const bs = (<usize>n) << 2;
  for (let p = 0; p < k; p++) {
    s += <f64>load<f32>(a) * <f64>load<f32>(pb);
    a += as;
    pb += bs;
  }
  return <f32>s;
}

/** Rows i0…i0+3, columns j…j+3 (8 sums of two lanes). */
function tile4x4(a: usize, ars: i32, acs: i32, pb: usize, n: i32, k: i32, c: usize): void {
  let s00 = f64x2.splat(0);
  let s01 = f64x2.splat(0);
  let s10 = f64x2.splat(0);
  let s11 = f64x2.splat(0);
  let s20 = f64x2.splat(0);
  let s21 = f64x2.splat(0);
  let s30 = f64x2.splat(0);
  let s31 = f64x2.splat(0);
  const r = (<usize>ars) << 2;
  const as = (<usize>acs) << 2;
  const bs = (<usize>n) << 2;
  for (let p = 0; p < k; p++) {
    const b0 = pair(pb);
    const b1 = pair(pb + 8);
    let x = f64x2.splat(<f64>load<f32>(a));
    s00 = f64x2.add(s00, f64x2.mul(x, b0));
    s01 = f64x2.add(s01, f64x2.mul(x, b1));
    x = f64x2.splat(<f64>load<f32>(a + r));
    s10 = f64x2.add(s10, f64x2.mul(x, b0));
    s11 = f64x2.add(s11, f64x2.mul(x, b1));
    x = f64x2.splat(<f64>load<f32>(a + 2 * r));
    s20 = f64x2.add(s20, f64x2.mul(x, b0));
    s21 = f64x2.add(s21, f64x2.mul(x, b1));
    x = f64x2.splat(<f64>load<f32>(a + 3 * r));
    s30 = f64x2.add(s30, f64x2.mul(x, b0));
    s31 = f64x2.add(s31, f64x2.mul(x, b1));
    a += as;
    pb += bs;
  }
  const cr = (<usize>n) << 2;
  store4(c, s00, s01);
  store4(c + cr, s10, s11);
  store4(c + 2 * cr, s20, s21);
  store4(c + 3 * cr, s30, s31);
}

/** Four float64 sums rounded to float32, stored at c. */
function store4(c: usize, lo: v128, hi: v128): void {
  v128.store(
    c,
    i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5),
  );
}

/**
 * C (m×n, row-major, contiguous at c) = A·B summed in float64 per cell. A: float32 at a with
 * strides (ars, acs) in elements; B: float32 at b with (brs, bcs); `work` holds k·n float32s.
 */
export function gemmF64Sum(
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  work: usize,
): void {
  packB(b, brs, bcs, k, n, work);
  const n4 = n & ~3;
  const m4 = m & ~3;
  for (let i = 0; i < m; i++) {
    const ai = a + ((<usize>(i * ars)) << 2);
    const ci = c + ((<usize>(i * n)) << 2);
    if (i < m4 && (i & 3) === 0) {
      for (let j = 0; j < n4; j += 4) {
        tile4x4(ai, ars, acs, work + ((<usize>j) << 2), n, k, ci + ((<usize>j) << 2));
      }
    } else if (i >= m4) {
      for (let j = 0; j < n4; j++) {
        store<f32>(ci + ((<usize>j) << 2), cell(ai, acs, work + ((<usize>j) << 2), n, k));
      }
    }
    for (let j = n4; j < n; j++) {
      store<f32>(ci + ((<usize>j) << 2), cell(ai, acs, work + ((<usize>j) << 2), n, k));
    }
  }
}
