// float32 products with a side under 4 (the notes' case study: 2 inputs, 3 classes), which
// gemm.ts's 4×8 tile would mostly waste, summed in float32 in gemm.ts's order: k in equal
// blocks of at most KC, each summed from +0 over p in order, then added to the cell. So a
// product gives the same bits whichever kernel its shape takes (without fused multiply-add,
// which these kernels never use). Each f32x4 holds four cells, never four terms of one sum.
//
// Few rows of C (m < 4): the rows along B's columns, eight columns at a time. Few columns
// (n < 4): where A is stored column by column, the rows of Cᵀ = Bᵀ·Aᵀ the same way; else
// four rows of C at a time, A's four values at each p gathered into one vector. Shallow
// (k < 4): eight columns at a time down the rows, B's values for them held in registers.

/** Depth of a k-block, as in gemm.ts. */
const KC: i32 = 256;

/** B (k×n, any strides) copied row-major to dst. */
function packB(b: usize, brs: i32, bcs: i32, k: i32, n: i32, dst: usize): void {
  const step = (<usize>bcs) << 2;
  for (let p = 0; p < k; p++) {
    let s = b + ((<usize>(p * brs)) << 2);
    for (let j = 0; j < n; j++) {
      store<f32>(dst, load<f32>(s));
      s += step;
      dst += 4;
    }
  }
}

/** dst[p·4 + r] = X[r, p] for r < nr (nr ≤ 3), 0 for nr ≤ r < 4: X's rows interleaved by p. */
function packRows(x: usize, xrs: i32, xcs: i32, nr: i32, k: i32, dst: usize): void {
  for (let p = 0; p < k; p++) {
    for (let r = 0; r < 4; r++) {
      const v: f32 = r < nr ? load<f32>(x + ((<usize>(r * xrs + p * xcs)) << 2)) : 0;
      store<f32>(dst + ((<usize>r) << 2), v);
    }
    dst += 16;
  }
}

/** Four cells, at o and every `cs` elements after: v, or v added to what is there. */
function put(o: usize, cs: i32, v: v128, first: bool): void {
  if (cs === 1) {
    v128.store(o, first ? v : f32x4.add(v128.load(o), v));
    return;
  }
  const s = (<usize>cs) << 2;
  if (first) {
    store<f32>(o, f32x4.extract_lane(v, 0));
    store<f32>(o + s, f32x4.extract_lane(v, 1));
    store<f32>(o + 2 * s, f32x4.extract_lane(v, 2));
    store<f32>(o + 3 * s, f32x4.extract_lane(v, 3));
  } else {
    store<f32>(o, load<f32>(o) + f32x4.extract_lane(v, 0));
    store<f32>(o + s, load<f32>(o + s) + f32x4.extract_lane(v, 1));
    store<f32>(o + 2 * s, load<f32>(o + 2 * s) + f32x4.extract_lane(v, 2));
    store<f32>(o + 3 * s, load<f32>(o + 3 * s) + f32x4.extract_lane(v, 3));
  }
}

/** One cell: s, or s added to what is there. */
function putOne(o: usize, s: f32, first: bool): void {
  store<f32>(o, first ? s : load<f32>(o) + s);
}

/**
 * nr ≤ 3 rows of a kc-deep block: out_r[col] (+)= Σ_p X[r, p]·Y[p, col] for col < cols,
 * from +0 over p in order; X interleaved by p at x (`packRows`), Y row-major (rows `ys`
 * bytes apart) at y, out_r[col] at o + r·ors + col·ocs elements. Eight columns at a time:
 * two of Y's vectors per p serve every row, six sums in flight.
 */
function rows(
  nr: i32,
  x: usize,
  y: usize,
  ys: usize,
  cols: i32,
  kc: i32,
  o: usize,
  ors: i32,
  ocs: i32,
  first: bool,
): void {
  const rs = (<usize>ors) << 2;
  const os = (<usize>ocs) << 2;
  let col = 0;
  // one or two rows (dW of a layer with 2 inputs): twelve columns at a time, where the
  // three-row loop below would compute a row in three for nothing
  for (; nr <= 2 && col + 12 <= cols; col += 12) {
    let a0 = f32x4.splat(0); // row 0, columns col … col + 3
    let b0 = f32x4.splat(0); // row 0, columns col + 4 … col + 7
    let c0 = f32x4.splat(0); // row 0, columns col + 8 … col + 11
    let a1 = f32x4.splat(0);
    let b1 = f32x4.splat(0);
    let c1 = f32x4.splat(0);
    let py = y + ((<usize>col) << 2);
    let px = x;
    for (let p = 0; p < kc; p++) {
      const lo = v128.load(py);
      const mid = v128.load(py, 16);
      const hi = v128.load(py, 32);
      let v = v128.load32_splat(px);
      a0 = f32x4.add(a0, f32x4.mul(v, lo));
      b0 = f32x4.add(b0, f32x4.mul(v, mid));
      c0 = f32x4.add(c0, f32x4.mul(v, hi));
      v = v128.load32_splat(px, 4);
      a1 = f32x4.add(a1, f32x4.mul(v, lo));
      b1 = f32x4.add(b1, f32x4.mul(v, mid));
      c1 = f32x4.add(c1, f32x4.mul(v, hi));
      py += ys;
      px += 16;
    }
    const oc = o + <usize>col * os;
    put(oc, ocs, a0, first);
    put(oc + 4 * os, ocs, b0, first);
    put(oc + 8 * os, ocs, c0, first);
    if (nr > 1) {
      put(oc + rs, ocs, a1, first);
      put(oc + rs + 4 * os, ocs, b1, first);
      put(oc + rs + 8 * os, ocs, c1, first);
    }
  }
  for (; col + 8 <= cols; col += 8) {
    let a0 = f32x4.splat(0); // row 0, columns col … col + 3
    let b0 = f32x4.splat(0); // row 0, columns col + 4 … col + 7
    let a1 = f32x4.splat(0);
    let b1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let b2 = f32x4.splat(0);
    let py = y + ((<usize>col) << 2);
    let px = x;
    for (let p = 0; p < kc; p++) {
      const lo = v128.load(py);
      const hi = v128.load(py, 16);
      let v = v128.load32_splat(px);
      a0 = f32x4.add(a0, f32x4.mul(v, lo));
      b0 = f32x4.add(b0, f32x4.mul(v, hi));
      v = v128.load32_splat(px, 4);
      a1 = f32x4.add(a1, f32x4.mul(v, lo));
      b1 = f32x4.add(b1, f32x4.mul(v, hi));
      v = v128.load32_splat(px, 8);
      a2 = f32x4.add(a2, f32x4.mul(v, lo));
      b2 = f32x4.add(b2, f32x4.mul(v, hi));
      py += ys;
      px += 16;
    }
    const oc = o + <usize>col * os;
    put(oc, ocs, a0, first);
    put(oc + 4 * os, ocs, b0, first);
    if (nr > 1) {
      put(oc + rs, ocs, a1, first);
      put(oc + rs + 4 * os, ocs, b1, first);
    }
    if (nr > 2) {
      put(oc + 2 * rs, ocs, a2, first);
      put(oc + 2 * rs + 4 * os, ocs, b2, first);
    }
  }
  for (; col + 4 <= cols; col += 4) {
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let py = y + ((<usize>col) << 2);
    let px = x;
    for (let p = 0; p < kc; p++) {
      const lo = v128.load(py);
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(px), lo));
      a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(px, 4), lo));
      a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(px, 8), lo));
      py += ys;
      px += 16;
    }
    const oc = o + <usize>col * os;
    put(oc, ocs, a0, first);
    if (nr > 1) put(oc + rs, ocs, a1, first);
    if (nr > 2) put(oc + 2 * rs, ocs, a2, first);
  }
  for (; col < cols; col++) {
    for (let r = 0; r < nr; r++) {
      let s: f32 = 0;
      let py = y + ((<usize>col) << 2);
      let px = x + ((<usize>r) << 2);
      for (let p = 0; p < kc; p++) {
        s += load<f32>(px) * load<f32>(py);
        py += ys;
        px += 16;
      }
      putOne(o + <usize>r * rs + <usize>col * os, s, first);
    }
  }
}

/**
 * `rows` over each k-block of kcMax (the last one shorter), the first written to out, the
 * others added: X interleaved by p at x (k values), Y row-major (k × cols) at y.
 */
function rowsByBlock(
  nr: i32,
  x: usize,
  y: usize,
  cols: i32,
  k: i32,
  kcMax: i32,
  o: usize,
  ors: i32,
  ocs: i32,
): void {
  const ys = (<usize>cols) << 2;
  for (let pc = 0; pc < k; pc += kcMax) {
    const kc = min(kcMax, k - pc);
    rows(nr, x + ((<usize>pc) << 4), y + <usize>pc * ys, ys, cols, kc, o, ors, ocs, pc === 0);
  }
}

/** A[i … i + 3, p] as one vector: four values `r` bytes apart from a. */
function gather4(a: usize, r: usize): v128 {
  let v = v128.load32_zero(a);
  v = v128.load32_lane(a + r, v, 1);
  v = v128.load32_lane(a + 2 * r, v, 2);
  return v128.load32_lane(a + 3 * r, v, 3);
}

/**
 * C (m×n, n ≤ 3, rows of n at c) (+)= a kc-deep block of A·B for an A not stored column by
 * column, four rows at a time: per p, A's four values gathered into one vector, times each
 * of B's values at `pb` (`packRows` of Bᵀ: B[p, j] at pb + 16p + 4j), three sums in flight.
 */
function fewColumns(
  m: i32,
  n: i32,
  kc: i32,
  a: usize,
  ars: i32,
  acs: i32,
  pb: usize,
  c: usize,
  first: bool,
): void {
  const r = (<usize>ars) << 2;
  const as = (<usize>acs) << 2;
  const m4 = m & ~3;
  for (let i = 0; i < m4; i += 4) {
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let s2 = f32x4.splat(0);
    let pa = a + <usize>i * r;
    let q = pb;
    for (let p = 0; p < kc; p++) {
      const x = gather4(pa, r);
      s0 = f32x4.add(s0, f32x4.mul(x, v128.load32_splat(q)));
      s1 = f32x4.add(s1, f32x4.mul(x, v128.load32_splat(q, 4)));
      s2 = f32x4.add(s2, f32x4.mul(x, v128.load32_splat(q, 8)));
      pa += as;
      q += 16;
    }
    const o = c + ((<usize>(i * n)) << 2);
    put(o, n, s0, first);
    if (n > 1) put(o + 4, n, s1, first);
    if (n > 2) put(o + 8, n, s2, first);
  }
  for (let i = m4; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s: f32 = 0;
      let pa = a + <usize>i * r;
      let q = pb + ((<usize>j) << 2);
      for (let p = 0; p < kc; p++) {
        s += load<f32>(pa) * load<f32>(q);
        pa += as;
        q += 16;
      }
      putOne(c + ((<usize>(i * n + j)) << 2), s, first);
    }
  }
}

/** A row's three cells at o from v's first three lanes: v, or v added to what is there. */
function putThree(o: usize, v: v128, first: bool): void {
  putOne(o, f32x4.extract_lane(v, 0), first);
  putOne(o + 4, f32x4.extract_lane(v, 1), first);
  putOne(o + 8, f32x4.extract_lane(v, 2), first);
}

/**
 * The same as fewColumns for n = 3, a row's three cells in one vector (its fourth lane
 * unused): per p, B's row loaded once for four rows of A, each of A's values splat from
 * memory. No gathers: 13 instructions per four rows and p instead of 16.
 */
function threeColumns(
  m: i32,
  kc: i32,
  a: usize,
  ars: i32,
  acs: i32,
  pb: usize,
  c: usize,
  first: bool,
): void {
  const r = (<usize>ars) << 2;
  const as = (<usize>acs) << 2;
  const m4 = m & ~3;
  for (let i = 0; i < m4; i += 4) {
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let s2 = f32x4.splat(0);
    let s3 = f32x4.splat(0);
    let pa = a + <usize>i * r;
    let q = pb;
    for (let p = 0; p < kc; p++) {
      const y = v128.load(q);
      s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(pa), y));
      s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(pa + r), y));
      s2 = f32x4.add(s2, f32x4.mul(v128.load32_splat(pa + 2 * r), y));
      s3 = f32x4.add(s3, f32x4.mul(v128.load32_splat(pa + 3 * r), y));
      pa += as;
      q += 16;
    }
    const o = c + ((<usize>(i * 3)) << 2);
    putThree(o, s0, first);
    putThree(o + 12, s1, first);
    putThree(o + 24, s2, first);
    putThree(o + 36, s3, first);
  }
  for (let i = m4; i < m; i++) {
    let s = f32x4.splat(0);
    let pa = a + <usize>i * r;
    let q = pb;
    for (let p = 0; p < kc; p++) {
      s = f32x4.add(s, f32x4.mul(v128.load32_splat(pa), v128.load(q)));
      pa += as;
      q += 16;
    }
    putThree(c + ((<usize>(i * 3)) << 2), s, first);
  }
}

/** A row's cells j0 … n−1 of a shallow product, one at a time. */
function shallowTail(
  k: i32,
  j0: i32,
  n: i32,
  ai: usize,
  as: usize,
  pb: usize,
  ci: usize,
  bias: usize,
  relu: i32,
): void {
  for (let j = j0; j < n; j++) {
    let s: f32 = 0;
    for (let p = 0; p < k; p++) {
      s += load<f32>(ai + <usize>p * as) * load<f32>(pb + ((<usize>(p * n + j)) << 2));
    }
    if (bias !== 0) s += load<f32>(bias + ((<usize>j) << 2));
    if (relu !== 0) s = max<f32>(s, 0);
    store<f32>(ci + ((<usize>j) << 2), s);
  }
}

/**
 * The shallow kernel's loops as AssemblyScript inlines them (`@inline`) into each call, where k
 * is a constant: no test of k is left in a loop.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: @inline on a plain function is not TypeScript
class Shallow {
  /**
   * Four cells of C at o (rows of n at c): Σ_p x_p·B[p, j…j+3] from +0 over p < k (B row-major,
   * rows `bs` bytes apart, at q), then `finish`ed.
   */
  @inline
  static cell(
    k: i32,
    x0: v128,
    x1: v128,
    x2: v128,
    q: usize,
    bs: usize,
    bias: usize,
    bv: v128,
    relu: i32,
  ): v128 {
    const zero = f32x4.splat(0);
    let s = f32x4.add(zero, f32x4.mul(x0, v128.load(q)));
    if (k > 1) s = f32x4.add(s, f32x4.mul(x1, v128.load(q + bs)));
    if (k > 2) s = f32x4.add(s, f32x4.mul(x2, v128.load(q + 2 * bs)));
    return Shallow.finish(s, bias, bv, relu, zero);
  }

  /**
   * A product's four cells s as the op's last steps leave them: the bias bv added (`bias` ≠
   * 0), then relu applied (`relu` ≠ 0), each as mapF32 computes it; `zero` is +0 in each lane.
   */
  @inline
  static finish(s: v128, bias: usize, bv: v128, relu: i32, zero: v128): v128 {
    if (bias !== 0) s = f32x4.add(s, bv);
    // pmax with 0, then + 0 (-0 to +0): relu's bits, as elementwise.ts computes them
    if (relu !== 0) s = f32x4.add(f32x4.pmax(s, zero), zero);
    return s;
  }

  /**
   * A shallow product (below) eight columns at a time down every row: B's 2k vectors for them
   * held in registers, A's k values splat once per row and block, so each pair of C's vectors
   * costs k splats instead of 2k loads of B. Inlined with k a constant. (Row by row, with B
   * loaded per vector, the [300,3]·[3,100] product took 6.8 µs; this way, 4.8.)
   */
  @inline
  static columns(
    k: i32,
    m: i32,
    n: i32,
    a: usize,
    ars: i32,
    acs: i32,
    pb: usize,
    c: usize,
    bias: usize,
    relu: i32,
  ): void {
    const as = (<usize>acs) << 2;
    // B's rows and C's are both n values long
    const bs = (<usize>n) << 2;
    const zero = f32x4.splat(0);
    const n8 = n & ~7;
    for (let j = 0; j < n8; j += 8) {
      const jb = (<usize>j) << 2;
      const q = pb + jb;
      const b00 = v128.load(q);
      const b01 = v128.load(q, 16);
      const b10 = k > 1 ? v128.load(q + bs) : zero;
      const b11 = k > 1 ? v128.load(q + bs, 16) : zero;
      const b20 = k > 2 ? v128.load(q + 2 * bs) : zero;
      const b21 = k > 2 ? v128.load(q + 2 * bs, 16) : zero;
      const bv0 = bias !== 0 ? v128.load(bias + jb) : zero;
      const bv1 = bias !== 0 ? v128.load(bias + jb, 16) : zero;
      let ai = a;
      let ci = c + jb;
      for (let i = 0; i < m; i++) {
        const x0 = v128.load32_splat(ai);
        let s0 = f32x4.add(zero, f32x4.mul(x0, b00));
        let s1 = f32x4.add(zero, f32x4.mul(x0, b01));
        if (k > 1) {
          const x1 = v128.load32_splat(ai + as);
          s0 = f32x4.add(s0, f32x4.mul(x1, b10));
          s1 = f32x4.add(s1, f32x4.mul(x1, b11));
        }
        if (k > 2) {
          const x2 = v128.load32_splat(ai + 2 * as);
          s0 = f32x4.add(s0, f32x4.mul(x2, b20));
          s1 = f32x4.add(s1, f32x4.mul(x2, b21));
        }
        // tested once here: two finish calls unguarded made the plain product 10% slower
        if (bias !== 0 || relu !== 0) {
          s0 = Shallow.finish(s0, bias, bv0, relu, zero);
          s1 = Shallow.finish(s1, bias, bv1, relu, zero);
        }
        v128.store(ci, s0);
        v128.store(ci, s1, 16);
        ai += (<usize>ars) << 2;
        ci += bs;
      }
    }
    // the last n mod 8 columns, a row at a time
    const n4 = n & ~3;
    for (let i = 0; i < m; i++) {
      const ai = a + ((<usize>(i * ars)) << 2);
      const x0 = v128.load32_splat(ai);
      const x1 = k > 1 ? v128.load32_splat(ai + as) : zero;
      const x2 = k > 2 ? v128.load32_splat(ai + 2 * as) : zero;
      const ci = c + ((<usize>(i * n)) << 2);
      for (let j = n8; j < n4; j += 4) {
        const jb = (<usize>j) << 2;
        const bv = bias !== 0 ? v128.load(bias + jb) : zero;
        v128.store(ci + jb, Shallow.cell(k, x0, x1, x2, pb + jb, bs, bias, bv, relu));
      }
      shallowTail(k, n4, n, ai, as, pb, ci, bias, relu);
    }
  }
}

/**
 * C (m×n, rows of n at c) = A·B for k ≤ 3 (one k-block), B row-major at pb: per four cells,
 * k multiplies and adds from +0. Then, as the product's own last steps, the bias row at
 * `bias` (n values; none at 0) added and relu applied (`relu` ≠ 0), each as mapF32 computes
 * it, so C is written once.
 */
function shallow(
  m: i32,
  n: i32,
  k: i32,
  a: usize,
  ars: i32,
  acs: i32,
  pb: usize,
  c: usize,
  bias: usize,
  relu: i32,
): void {
  if (k === 3) Shallow.columns(3, m, n, a, ars, acs, pb, c, bias, relu);
  else if (k === 2) Shallow.columns(2, m, n, a, ars, acs, pb, c, bias, relu);
  else Shallow.columns(1, m, n, a, ars, acs, pb, c, bias, relu);
}

/**
 * C (m×n, row-major, contiguous at c) = A·B, with min(m, n, k) < 4. A: float32 at a with
 * strides (ars, acs) in elements; B: float32 at b with (brs, bcs); `work` holds
 * k·max(n, 4) + 4·k + 4 float32s. A shallow product (k < 4, m and n ≥ 4) also adds the bias
 * row at `bias` (n values; none at 0) and applies relu (`relu` ≠ 0) and returns 1; the
 * others return 0, and leave both to the caller.
 */
export function gemmSkinny(
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
  bias: usize,
  relu: i32,
): i32 {
  // B row-major already is read in place, not copied
  const bRows = bcs === 1 && brs === n;
  const blocks = (k + KC - 1) / KC;
  const kcMax = (k + blocks - 1) / blocks;
  if (m < 4 || n < 4) {
    // after B's copy (k·n float32s at most), 4·k for X's rows, vector-aligned
    const x = (work + ((<usize>(k * n + 3)) << 2)) & ~(<usize>15);
    if (m <= n) {
      const y = bRows ? b : work;
      if (!bRows) packB(b, brs, bcs, k, n, work);
      packRows(a, ars, acs, m, k, x);
      rowsByBlock(m, x, y, n, k, kcMax, c, n, 1);
    } else if (ars === 1 && acs === m) {
      // A stored column by column: Aᵀ is row-major in place; the columns of C as rows of Cᵀ
      packRows(b, bcs, brs, n, k, x);
      rowsByBlock(n, x, a, m, k, kcMax, c, 1, n);
    } else {
      packRows(b, bcs, brs, n, k, work);
      for (let pc = 0; pc < k; pc += kcMax) {
        const a0 = a + ((<usize>(pc * acs)) << 2);
        const kc = min(kcMax, k - pc);
        const pb = work + ((<usize>pc) << 4);
        if (n === 3) threeColumns(m, kc, a0, ars, acs, pb, c, pc === 0);
        else fewColumns(m, n, kc, a0, ars, acs, pb, c, pc === 0);
      }
    }
    return 0;
  }
  // k < 4: one k-block
  const y = bRows ? b : work;
  if (!bRows) packB(b, brs, bcs, k, n, work);
  shallow(m, n, k, a, ars, acs, y, c, bias, relu);
  return 1;
}
