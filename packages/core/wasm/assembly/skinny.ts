// float32 products summed in float64, the JavaScript kernels' arithmetic: each cell is
// Σ_p A[i,p]·B[p,j] from p = 0 in float64 (the float32 products are exact there), rounded to
// float32 once. The 'wasm' backend runs the products its float32 kernel leaves alone (a
// side under 4: the notes' case study) here, with the same bits as the 'js' backend.
//
// B is first copied row-major into `work` (widened to float64 for a product with fewer than
// four columns or a shallow one), so two adjacent columns load as one f64x2; 4×4 tiles, rows
// of 16 and 8 columns, or four rows at a time keep several independent sums in flight.

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

/** dst[p·3 + j] = B[p, j] widened to float64 for j < n (n ≤ 3), and 0 for n ≤ j < 3. */
function packB3(b: usize, brs: i32, bcs: i32, k: i32, n: i32, dst: usize): void {
  for (let p = 0; p < k; p++) {
    const s = b + ((<usize>(p * brs)) << 2);
    for (let j = 0; j < 3; j++) {
      store<f64>(
        dst + ((<usize>j) << 3),
        j < n ? <f64>load<f32>(s + ((<usize>(j * bcs)) << 2)) : 0,
      );
    }
    dst += 24;
  }
}

/** A[i, p] and A[i + 1, p] (float32, rows `r` bytes apart) widened to float64. */
function rowPair(a: usize, r: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load32_lane(a + r, v128.load32_zero(a), 1));
}

/** The float64 sums v rounded to float32, lane 0 at o and lane 1 at o + r bytes. */
function storeColumn(o: usize, r: usize, v: v128): void {
  const f = f32x4.demote_f64x2_zero(v);
  store<f32>(o, f32x4.extract_lane(f, 0));
  store<f32>(o + r, f32x4.extract_lane(f, 1));
}

/**
 * C (m×n, n < 4, m ≥ 4) = A·B for an A not stored column by column, four rows of C at a time:
 * per p, A's values of the four rows as two float64 pairs, times each of B's (at most three)
 * values widened once to float64 at `pb` (`packB3`), into six sums. Each cell sums from 0 in
 * order of p, as `cell` does. Reads A in place: transposing it first, a scattered store per
 * element, made [300,100]@[100,3] take 28.5 µs instead of 19.7 (with 4×4 tiles then).
 */
function fewColumns(
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  ars: i32,
  acs: i32,
  pb: usize,
  c: usize,
): void {
  const r = (<usize>ars) << 2;
  const as = (<usize>acs) << 2;
  const cr = (<usize>n) << 2;
  const m4 = m & ~3;
  for (let i = 0; i < m4; i += 4) {
    let s0 = f64x2.splat(0); // column 0, rows i and i + 1
    let t0 = f64x2.splat(0); // column 0, rows i + 2 and i + 3
    let s1 = f64x2.splat(0);
    let t1 = f64x2.splat(0);
    let s2 = f64x2.splat(0);
    let t2 = f64x2.splat(0);
    let pa = a + ((<usize>(i * ars)) << 2);
    let q = pb;
    for (let p = 0; p < k; p++) {
      const x = rowPair(pa, r);
      const y = rowPair(pa + 2 * r, r);
      let b = v128.load64_splat(q);
      s0 = f64x2.add(s0, f64x2.mul(x, b));
      t0 = f64x2.add(t0, f64x2.mul(y, b));
      b = v128.load64_splat(q + 8);
      s1 = f64x2.add(s1, f64x2.mul(x, b));
      t1 = f64x2.add(t1, f64x2.mul(y, b));
      b = v128.load64_splat(q + 16);
      s2 = f64x2.add(s2, f64x2.mul(x, b));
      t2 = f64x2.add(t2, f64x2.mul(y, b));
      pa += as;
      q += 24;
    }
    const o = c + ((<usize>(i * n)) << 2);
    storeColumn(o, cr, s0);
    storeColumn(o + 2 * cr, cr, t0);
    if (n > 1) {
      storeColumn(o + 4, cr, s1);
      storeColumn(o + 4 + 2 * cr, cr, t1);
    }
    if (n > 2) {
      storeColumn(o + 8, cr, s2);
      storeColumn(o + 8 + 2 * cr, cr, t2);
    }
  }
  for (let i = m4; i < m; i++) {
    const ai = a + ((<usize>(i * ars)) << 2);
    for (let j = 0; j < n; j++) {
      let sum: f64 = 0;
      for (let p = 0; p < k; p++) {
        sum += <f64>load<f32>(ai + <usize>p * as) * load<f64>(pb + ((<usize>(p * 3 + j)) << 3));
      }
      store<f32>(c + ((<usize>(i * n + j)) << 2), <f32>sum);
    }
  }
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
export function row(x: usize, xcs: i32, y: usize, cols: i32, k: i32, o: usize, ocs: i32): void {
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

/** dst[p·n + j] = B[p, j] widened to float64: B row-major in float64 (k·n values). */
function packB64(b: usize, brs: i32, bcs: i32, k: i32, n: i32, dst: usize): void {
  for (let p = 0; p < k; p++) {
    let s = b + ((<usize>(p * brs)) << 2);
    const step = (<usize>bcs) << 2;
    for (let j = 0; j < n; j++) {
      store<f64>(dst, <f64>load<f32>(s));
      s += step;
      dst += 8;
    }
  }
}

/**
 * C (m×n) = A·B for a shallow product (k ≤ 3: the case study's x·W1ᵀ with its 2 inputs and
 * dy·W2 with its 3 classes) row by row along B's rows, widened once to float64 at `pb`: A's
 * k values of a row are splat once, and four cells take k pairs of loads, multiplies and
 * adds, where 4×4 tiles widen B's values and splat A's again for every tile. Each cell sums
 * from 0 in order of p, as `cell` does.
 */
function shallow(m: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, pb: usize, c: usize): void {
  const as = (<usize>acs) << 2;
  const bs = (<usize>n) << 3;
  const n4 = n & ~3;
  const zero = f64x2.splat(0);
  for (let i = 0; i < m; i++) {
    const ai = a + ((<usize>(i * ars)) << 2);
    const x0 = f64x2.splat(<f64>load<f32>(ai));
    const x1 = k > 1 ? f64x2.splat(<f64>load<f32>(ai + as)) : zero;
    const x2 = k > 2 ? f64x2.splat(<f64>load<f32>(ai + 2 * as)) : zero;
    const ci = c + ((<usize>(i * n)) << 2);
    for (let j = 0; j < n4; j += 4) {
      let q = pb + ((<usize>j) << 3);
      let lo = f64x2.add(zero, f64x2.mul(x0, v128.load(q)));
      let hi = f64x2.add(zero, f64x2.mul(x0, v128.load(q + 16)));
      if (k > 1) {
        q += bs;
        lo = f64x2.add(lo, f64x2.mul(x1, v128.load(q)));
        hi = f64x2.add(hi, f64x2.mul(x1, v128.load(q + 16)));
        if (k > 2) {
          q += bs;
          lo = f64x2.add(lo, f64x2.mul(x2, v128.load(q)));
          hi = f64x2.add(hi, f64x2.mul(x2, v128.load(q + 16)));
        }
      }
      store4(ci + ((<usize>j) << 2), lo, hi);
    }
    for (let j = n4; j < n; j++) {
      let s: f64 = 0;
      for (let p = 0; p < k; p++) {
        s += <f64>load<f32>(ai + <usize>p * as) * load<f64>(pb + ((<usize>(p * n + j)) << 3));
      }
      store<f32>(ci + ((<usize>j) << 2), <f32>s);
    }
  }
}

/**
 * Two or three rows of a product at once: out_r[col] = Σ_p X[r, p]·Y[p, col] for r < nr
 * (2 or 3) and col < cols, in float64 from p = 0; X[r, p] at x + r·xrs + p·xcs, Y row-major
 * (k × cols) at y, out_r[col] at o + r·ors + col·ocs. X is widened to float64 at `x64` (3·k
 * values) first; then per p and four columns, Y's two pairs are loaded and widened once for
 * all rows, where `row` would load them once per row.
 */
function rows(
  nr: i32,
  x: usize,
  xrs: i32,
  xcs: i32,
  y: usize,
  cols: i32,
  k: i32,
  o: usize,
  ors: i32,
  ocs: i32,
  x64: usize,
): void {
  const three = nr > 2;
  for (let p = 0; p < k; p++) {
    for (let r = 0; r < 3; r++) {
      const v = r < nr ? <f64>load<f32>(x + ((<usize>(r * xrs + p * xcs)) << 2)) : 0;
      store<f64>(x64 + ((<usize>(p * 3 + r)) << 3), v);
    }
  }
  const ys = (<usize>cols) << 2;
  const os = (<usize>ocs) << 2;
  const rs = (<usize>ors) << 2;
  const c4 = cols & ~3;
  for (let col = 0; col < c4; col += 4) {
    let a0 = f64x2.splat(0); // row 0, columns col, col + 1
    let b0 = f64x2.splat(0); // row 0, columns col + 2, col + 3
    let a1 = f64x2.splat(0);
    let b1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let b2 = f64x2.splat(0);
    let py = y + ((<usize>col) << 2);
    let px = x64;
    for (let p = 0; p < k; p++) {
      const lo = pair(py);
      const hi = pair(py + 8);
      let v = v128.load64_splat(px);
      a0 = f64x2.add(a0, f64x2.mul(v, lo));
      b0 = f64x2.add(b0, f64x2.mul(v, hi));
      v = v128.load64_splat(px + 8);
      a1 = f64x2.add(a1, f64x2.mul(v, lo));
      b1 = f64x2.add(b1, f64x2.mul(v, hi));
      if (three) {
        v = v128.load64_splat(px + 16);
        a2 = f64x2.add(a2, f64x2.mul(v, lo));
        b2 = f64x2.add(b2, f64x2.mul(v, hi));
      }
      py += ys;
      px += 24;
    }
    const oc = o + <usize>col * os;
    store2(oc, ocs, a0);
    store2(oc + 2 * os, ocs, b0);
    store2(oc + rs, ocs, a1);
    store2(oc + rs + 2 * os, ocs, b1);
    if (three) {
      store2(oc + 2 * rs, ocs, a2);
      store2(oc + 2 * rs + 2 * os, ocs, b2);
    }
  }
  for (let col = c4; col < cols; col++) {
    for (let r = 0; r < nr; r++) {
      let s: f64 = 0;
      let py = y + ((<usize>col) << 2);
      for (let p = 0; p < k; p++) {
        s += load<f64>(x64 + ((<usize>(p * 3 + r)) << 3)) * <f64>load<f32>(py);
        py += ys;
      }
      store<f32>(o + <usize>r * rs + <usize>col * os, <f32>s);
    }
  }
}

/**
 * C (m×n, row-major, contiguous at c) = A·B summed in float64 per cell. A: float32 at a with
 * strides (ars, acs) in elements; B: float32 at b with (brs, bcs); `work` holds
 * 2·k·max(m, n, 4) + 8·k float32s and 16 more (B, and X, widened to float64 fit). Few rows
 * (m < 4): the rows of C along B's columns, two or three at once. Few columns (n < 4): the
 * columns of C along A's rows (Cᵀ = Bᵀ·Aᵀ) where A is stored column by column, else four rows at a time over B widened to float64.
 * Shallow (k < 4): row by row over B widened to float64. Otherwise 4×4 tiles.
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
  // B row-major already is read in place, not copied
  const bRows = bcs === 1 && brs === n;
  if (m < 4 || n < 4) {
    // after B's copy (k·n float32s at most), room for 3·k float64s
    const x64 = (work + ((<usize>(k * n + 2)) << 2)) & ~(<usize>7);
    if (m <= n) {
      const y = bRows ? b : work;
      if (!bRows) packB(b, brs, bcs, k, n, work);
      if (m === 1) row(a, acs, y, n, k, c, 1);
      else rows(m, a, ars, acs, y, n, k, c, n, 1, x64);
    } else if (ars === 1 && acs === m) {
      // A stored column by column: Aᵀ is row-major in place; the columns of C as rows of Cᵀ
      if (n === 1) row(b, brs, a, m, k, c, 1);
      else rows(n, b, bcs, brs, a, m, k, c, 1, n, x64);
    } else {
      packB3(b, brs, bcs, k, n, work);
      fewColumns(m, n, k, a, ars, acs, work, c);
    }
    return;
  }
  if (k < 4) {
    packB64(b, brs, bcs, k, n, work);
    shallow(m, n, k, a, ars, acs, work, c);
    return;
  }
  const y = bRows ? b : work;
  if (!bRows) packB(b, brs, bcs, k, n, work);
  const n4 = n & ~3;
  const m4 = m & ~3;
  for (let i = 0; i < m; i++) {
    const ai = a + ((<usize>(i * ars)) << 2);
    const ci = c + ((<usize>(i * n)) << 2);
    if (i < m4 && (i & 3) === 0) {
      for (let j = 0; j < n4; j += 4) {
        tile4x4(ai, ars, acs, y + ((<usize>j) << 2), n, k, ci + ((<usize>j) << 2));
      }
    } else if (i >= m4) {
      for (let j = 0; j < n4; j++) {
        store<f32>(ci + ((<usize>j) << 2), cell(ai, acs, y + ((<usize>j) << 2), n, k));
      }
    }
    for (let j = n4; j < n; j++) {
      store<f32>(ci + ((<usize>j) << 2), cell(ai, acs, y + ((<usize>j) << 2), n, k));
    }
  }
}
