// Column sums of a dense float32 matrix (a bias gradient: dy summed over the batch), each
// summed in float64 from row 0 down, rounded to float32 once: the JavaScript kernel's bits.
// Eight columns at a time keep four float64 pairs in registers down the rows.

/** Two float32 values at p, widened to float64. */
function pair(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Two float64 sums rounded to float32, stored at o. */
function store2(o: usize, v: v128): void {
  v128.store64_lane(o, f32x4.demote_f64x2_zero(v), 0);
}

/** out[j] = Σ_r x[r·n + j] for j < n, over m rows of n float32 values at x. */
export function sumRowsF32(m: i32, n: i32, x: usize, out: usize): void {
  const row = (<usize>n) << 2;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    let p = x + ((<usize>j) << 2);
    for (let r = 0; r < m; r++) {
      s0 = f64x2.add(s0, pair(p));
      s1 = f64x2.add(s1, pair(p + 8));
      s2 = f64x2.add(s2, pair(p + 16));
      s3 = f64x2.add(s3, pair(p + 24));
      p += row;
    }
    const o = out + ((<usize>j) << 2);
    store2(o, s0);
    store2(o + 8, s1);
    store2(o + 16, s2);
    store2(o + 24, s3);
  }
  for (; j < n; j++) {
    let s: f64 = 0;
    let p = x + ((<usize>j) << 2);
    for (let r = 0; r < m; r++) {
      s += <f64>load<f32>(p);
      p += row;
    }
    store<f32>(out + ((<usize>j) << 2), <f32>s);
  }
}
