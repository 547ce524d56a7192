// Column sums of a dense float32 matrix (a bias gradient: dy summed over the batch), each
// summed in float64 from +0 and row 0 down, rounded to float32 once: the JavaScript kernel's
// bits.

/** Two float32 values at p, widened to float64. */
function pair(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Two float64 sums rounded to float32, stored at o and the next element. */
function store2(o: usize, v: v128): void {
  store<u64>(o, i64x2.extract_lane(f32x4.demote_f64x2_zero(v), 0));
}

/** out[j] = Σ_r x[r·n + j] for j < n, over m rows of n float32 values at x. */
export function sumRowsF32(m: i32, n: i32, x: usize, out: usize): void {
  const rs = (<usize>n) << 2;
  let col = 0;
  // 16 columns: eight independent sums, so that the adds' latency (each sum waits for its
  // previous add) is not what bounds the loop; then four columns, then one
  for (; col + 16 <= n; col += 16) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    let s4 = f64x2.splat(0);
    let s5 = f64x2.splat(0);
    let s6 = f64x2.splat(0);
    let s7 = f64x2.splat(0);
    let py = x + ((<usize>col) << 2);
    for (let r = 0; r < m; r++) {
      s0 = f64x2.add(s0, pair(py));
      s1 = f64x2.add(s1, pair(py + 8));
      s2 = f64x2.add(s2, pair(py + 16));
      s3 = f64x2.add(s3, pair(py + 24));
      s4 = f64x2.add(s4, pair(py + 32));
      s5 = f64x2.add(s5, pair(py + 40));
      s6 = f64x2.add(s6, pair(py + 48));
      s7 = f64x2.add(s7, pair(py + 56));
      py += rs;
    }
    const oc = out + ((<usize>col) << 2);
    store2(oc, s0);
    store2(oc + 8, s1);
    store2(oc + 16, s2);
    store2(oc + 24, s3);
    store2(oc + 32, s4);
    store2(oc + 40, s5);
    store2(oc + 48, s6);
    store2(oc + 56, s7);
  }
  for (; col + 4 <= n; col += 4) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let py = x + ((<usize>col) << 2);
    for (let r = 0; r < m; r++) {
      s0 = f64x2.add(s0, pair(py));
      s1 = f64x2.add(s1, pair(py + 8));
      py += rs;
    }
    const oc = out + ((<usize>col) << 2);
    store2(oc, s0);
    store2(oc + 8, s1);
  }
  for (; col < n; col++) {
    let s: f64 = 0;
    let py = x + ((<usize>col) << 2);
    for (let r = 0; r < m; r++) {
      s += <f64>load<f32>(py);
      py += rs;
    }
    store<f32>(out + ((<usize>col) << 2), <f32>s);
  }
}
