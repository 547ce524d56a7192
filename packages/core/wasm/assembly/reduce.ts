// Column sums of a dense float32 matrix (a bias gradient: dy summed over the batch), each
// summed in float64 from row 0 down, rounded to float32 once: the JavaScript kernel's bits.
// A column sum is the product of a row of ones with the matrix (1·x is exact in float64),
// which `row` computes.

/** Two float32 values at p, widened to float64. */
function pair(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Two float64 sums rounded to float32, stored at o and o + ocs elements. */
function store2(o: usize, ocs: i32, v: v128): void {
  const f = f32x4.demote_f64x2_zero(v);
  store<f32>(o, f32x4.extract_lane(f, 0));
  store<f32>(o + ((<usize>ocs) << 2), f32x4.extract_lane(f, 1));
}

/**
 * One row of a product: out[col] = Σ_p x[p]·Y[p, col] for col < cols, in float64 from p = 0;
 * x[p] at x + p·xcs, Y row-major (k × cols) at y, out[col] at o + col·ocs. Sixteen columns at
 * a time keep eight independent sums of two lanes in flight, then eight keep four.
 */
function row(x: usize, xcs: i32, y: usize, cols: i32, k: i32, o: usize, ocs: i32): void {
  const xs = (<usize>xcs) << 2;
  const ys = (<usize>cols) << 2;
  let col = 0;
  // 16 columns: eight independent sums, so that the adds' latency (each sum waits for its
  // previous add) is not what bounds the loop
  for (; col + 16 <= cols; col += 16) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    let s4 = f64x2.splat(0);
    let s5 = f64x2.splat(0);
    let s6 = f64x2.splat(0);
    let s7 = f64x2.splat(0);
    let px = x;
    let py = y + ((<usize>col) << 2);
    for (let p = 0; p < k; p++) {
      const v = f64x2.splat(<f64>load<f32>(px));
      s0 = f64x2.add(s0, f64x2.mul(v, pair(py)));
      s1 = f64x2.add(s1, f64x2.mul(v, pair(py + 8)));
      s2 = f64x2.add(s2, f64x2.mul(v, pair(py + 16)));
      s3 = f64x2.add(s3, f64x2.mul(v, pair(py + 24)));
      s4 = f64x2.add(s4, f64x2.mul(v, pair(py + 32)));
      s5 = f64x2.add(s5, f64x2.mul(v, pair(py + 40)));
      s6 = f64x2.add(s6, f64x2.mul(v, pair(py + 48)));
      s7 = f64x2.add(s7, f64x2.mul(v, pair(py + 56)));
      px += xs;
      py += ys;
    }
    const oc = o + ((<usize>(col * ocs)) << 2);
    const step = (<usize>(2 * ocs)) << 2;
    store2(oc, ocs, s0);
    store2(oc + step, ocs, s1);
    store2(oc + 2 * step, ocs, s2);
    store2(oc + 3 * step, ocs, s3);
    store2(oc + 4 * step, ocs, s4);
    store2(oc + 5 * step, ocs, s5);
    store2(oc + 6 * step, ocs, s6);
    store2(oc + 7 * step, ocs, s7);
  }
  for (; col + 8 <= cols; col += 8) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    let px = x;
    let py = y + ((<usize>col) << 2);
    for (let p = 0; p < k; p++) {
      const v = f64x2.splat(<f64>load<f32>(px));
      s0 = f64x2.add(s0, f64x2.mul(v, pair(py)));
      s1 = f64x2.add(s1, f64x2.mul(v, pair(py + 8)));
      s2 = f64x2.add(s2, f64x2.mul(v, pair(py + 16)));
      s3 = f64x2.add(s3, f64x2.mul(v, pair(py + 24)));
      px += xs;
      py += ys;
    }
    const oc = o + ((<usize>(col * ocs)) << 2);
    const step = (<usize>(2 * ocs)) << 2;
    store2(oc, ocs, s0);
    store2(oc + step, ocs, s1);
    store2(oc + 2 * step, ocs, s2);
    store2(oc + 3 * step, ocs, s3);
  }
  for (; col < cols; col++) {
    let s: f64 = 0;
    let px = x;
    let py = y + ((<usize>col) << 2);
    for (let p = 0; p < k; p++) {
      s += <f64>load<f32>(px) * <f64>load<f32>(py);
      px += xs;
      py += ys;
    }
    store<f32>(o + ((<usize>(col * ocs)) << 2), <f32>s);
  }
}

/** A float32 1 in the module's static data: the row of ones, read with stride 0. */
const ONE = memory.data<f32>([1]);

/** out[j] = Σ_r x[r·n + j] for j < n, over m rows of n float32 values at x. */
export function sumRowsF32(m: i32, n: i32, x: usize, out: usize): void {
  row(ONE, 0, x, n, m, out, 1);
}
