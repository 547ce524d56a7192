// float32 matrix product, C = A·B, the BLIS way with WebAssembly SIMD.
//
// Blocks of B (KC×NC) and of A (MC×KC) are packed into panels of NR columns / MR rows,
// contiguous and zero-padded, and a 4×8 register tile (8 f32x4 accumulators) runs over
// one A panel and one B panel. Packing reads A and B through any strides, so a transposed
// operand (Xᵀ·dY, dY·Wᵀ) costs one O(mk + kn) copy and nothing in the O(mnk) loop.
//
// V8 gives wasm SIMD 15 vector registers: 8 accumulators, 2 of B and 1 of A fit; a 6×8
// or an unrolled tile spills. The micro-kernel is a small function of its own, so that
// V8 tiers it up quickly. With relaxed SIMD (when the runtime validates it) a·b + c is
// one fused multiply-add.

/** Rows of A and columns of B in a register tile. */
const MR: i32 = 4;
const NR: i32 = 8;
/** Depth of a packed block: an MR×KC panel of A is 4 KB, a KC×NR panel of B 8 KB. */
const KC: i32 = 256;
/** Rows of A packed at a time (MC×KC float32 = 64 KB, for L2). */
const MC: i32 = 64;
/** Columns of B packed at a time (KC×NC float32 = 1 MB). */
const NC: i32 = 1024;

/** Bytes of scratch `gemm` needs for its packed panels and a fringe tile. */
export function gemmWorkBytes(): i32 {
  return 4 * (MR * NR + KC * (NC + MC));
}

function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

function at(base: usize, index: i32): usize {
  return base + ((<usize>index) << 2);
}

/**
 * One MR×NR tile: C[0..4, 0..8] (row stride ldc elements) = (first ? 0 : C) + the product
 * of the kc-deep A panel at pa (MR values per step) and B panel at pb (NR per step).
 */
function micro(pa: usize, pb: usize, kc: i32, c: usize, ldc: i32, first: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const av = v128.load(pa);
    let a = i32x4.shuffle(av, av, 0, 0, 0, 0);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = i32x4.shuffle(av, av, 1, 1, 1, 1);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = i32x4.shuffle(av, av, 2, 2, 2, 2);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = i32x4.shuffle(av, av, 3, 3, 3, 3);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  const r = (<usize>ldc) << 2;
  const c1 = c + r;
  const c2 = c1 + r;
  const c3 = c2 + r;
  if (!first) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c1));
    c11 = f32x4.add(c11, v128.load(c1, 16));
    c20 = f32x4.add(c20, v128.load(c2));
    c21 = f32x4.add(c21, v128.load(c2, 16));
    c30 = f32x4.add(c30, v128.load(c3));
    c31 = f32x4.add(c31, v128.load(c3, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c1, c10);
  v128.store(c1, c11, 16);
  v128.store(c2, c20);
  v128.store(c2, c21, 16);
  v128.store(c3, c30);
  v128.store(c3, c31, 16);
}

/** dst[p·MR + i] = A[i0 + i, pc + p] for p < kc, i < MR; rows past h are zero. */
function packA(a: usize, ars: i32, acs: i32, i0: i32, h: i32, pc: i32, kc: i32, dst: usize): void {
  if (h === MR && ars === 1) {
    // A stored column-major (a transposed view): MR rows are adjacent at each depth
    let s = at(a, i0 + pc * acs);
    const step = (<usize>acs) << 2;
    for (let p = 0; p < kc; p++) {
      v128.store(dst, v128.load(s));
      s += step;
      dst += 16;
    }
    return;
  }
  for (let i = 0; i < MR; i++) {
    let d = dst + ((<usize>i) << 2);
    if (i < h) {
      let s = at(a, (i0 + i) * ars + pc * acs);
      const step = (<usize>acs) << 2;
      for (let p = 0; p < kc; p++) {
        store<f32>(d, load<f32>(s));
        s += step;
        d += 16;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        store<f32>(d, 0);
        d += 16;
      }
    }
  }
}

/** dst[p·NR + j] = B[pc + p, j0 + j] for p < kc, j < NR; columns past w are zero. */
function packB(b: usize, brs: i32, bcs: i32, j0: i32, w: i32, pc: i32, kc: i32, dst: usize): void {
  if (w === NR && bcs === 1) {
    // B row-major: NR adjacent values per depth, two vector copies
    let s = at(b, pc * brs + j0);
    const step = (<usize>brs) << 2;
    for (let p = 0; p < kc; p++) {
      v128.store(dst, v128.load(s));
      v128.store(dst, v128.load(s, 16), 16);
      s += step;
      dst += 32;
    }
    return;
  }
  for (let j = 0; j < NR; j++) {
    let d = dst + ((<usize>j) << 2);
    if (j < w) {
      // a transposed B (Wᵀ) walks its rows here, contiguous along k
      let s = at(b, pc * brs + (j0 + j) * bcs);
      const step = (<usize>brs) << 2;
      for (let p = 0; p < kc; p++) {
        store<f32>(d, load<f32>(s));
        s += step;
        d += 32;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        store<f32>(d, 0);
        d += 32;
      }
    }
  }
}

/**
 * C (m×n, row-major at c, ldc elements between rows) = A (m×k) · B (k×n). A and B are
 * float32 matrices at a and b with strides in elements (rows, columns): any layout. `work`
 * is gemmWorkBytes() of scratch. Two threads each compute blocks of rows or columns of the
 * same C (share.ts), each with its own work area.
 *
 * Loops: jc over NC-column blocks of B, pc over KC-deep blocks (B packed here), ic over
 * MC-row blocks of A (A packed here), then B panels × A panels, one tile each. Equal
 * k-blocks: k = 257 runs as 129 + 128, not 256 + 1.
 */
export function gemm(
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
  ldc: i32,
  work: usize,
): void {
  const blocks = (k + KC - 1) / KC;
  const kcMax = (k + blocks - 1) / blocks;
  const tile = work;
  const pb = tile + 4 * MR * NR;
  const pa = pb + ((<usize>(kcMax * NC)) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const jEnd = min(n, jc + NC);
    for (let pc = 0; pc < k; pc += kcMax) {
      const kc = min(kcMax, k - pc);
      const first = pc === 0;
      const panelB = (<usize>(NR * kc)) << 2;
      const panelA = (<usize>(MR * kc)) << 2;
      let d = pb;
      for (let j0 = jc; j0 < jEnd; j0 += NR) {
        packB(b, brs, bcs, j0, min(NR, jEnd - j0), pc, kc, d);
        d += panelB;
      }
      for (let ic = 0; ic < m; ic += MC) {
        const iEnd = min(m, ic + MC);
        d = pa;
        for (let i0 = ic; i0 < iEnd; i0 += MR) {
          packA(a, ars, acs, i0, min(MR, iEnd - i0), pc, kc, d);
          d += panelA;
        }
        let bi = pb;
        for (let j0 = jc; j0 < jEnd; j0 += NR) {
          const w = min(NR, jEnd - j0);
          let ai = pa;
          for (let i0 = ic; i0 < iEnd; i0 += MR) {
            const h = min(MR, iEnd - i0);
            const ci = at(c, i0 * ldc + j0);
            if (h === MR && w === NR) {
              micro(ai, bi, kc, ci, ldc, first);
            } else {
              // a fringe tile: computed whole on the zero-padded panels, its valid cells copied
              micro(ai, bi, kc, tile, NR, true);
              for (let i = 0; i < h; i++) {
                for (let j = 0; j < w; j++) {
                  const q = at(ci, i * ldc + j);
                  const t = load<f32>(at(tile, i * NR + j));
                  store<f32>(q, first ? t : load<f32>(q) + t);
                }
              }
            }
            ai += panelA;
          }
          bi += panelB;
        }
      }
    }
  }
}
