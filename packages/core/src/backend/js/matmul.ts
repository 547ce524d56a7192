// matmul kernel: C[m,n] = Σ_k A[m,k]·B[k,n] on one 2-D slice of each operand, each given as
// (buffer, offset, row stride, column stride). Large products are computed the BLIS way:
// blocks of B (KC×NC, for L3) and of A (MC×KC, for L2) are packed into contiguous float64
// panels of NR columns / MR rows, and a 4×4 register-tiled micro-kernel runs over a B panel
// (8 KB, in L1) with 16 local accumulators. Packing reads any strides, so a transposed
// operand (`x Wᵀ`, `dyᵀ x`) costs one O(mk + kn) copy and nothing in the O(mnk) loop.
// Small and skinny products skip the packing: register tiles read A and B in place.
//
// The kernels are generated once per (A, B, C) dtype combination, like the elementwise
// ones, so every typed-array access site in a copy sees one array type (monomorphic).
import type { FloatArray } from '../../dtype.js';
import type { Dense, Operand } from '../kernels.js';

/** Rows of A and columns of B in a register tile (the micro-kernel is MR×NR). */
const MR = 4;
const NR = 4;
/** Depth of a packed block: an MR×KC panel of A and a KC×NR panel of B are 8 KB each. */
const KC = 256;
/** Rows of A packed at a time (MC×KC float64 = 128 KB, for L2); a multiple of MR. */
const MC = 64;
/** Columns of B packed at a time (KC×NC float64 = 2 MB); a multiple of NR. */
const NC = 1024;
/** Below this many multiply-adds, packing costs more than it saves. */
const SMALL_WORK = 8 * 8 * 8;

/** Buffers shared by every kernel copy and reused across calls (gemm is not re-entrant). */
interface Workspace {
  /**
   * The packed block of B, then the packed block of A. One array for both: the
   * micro-kernel then checks and addresses a single typed array (measured ~10% faster).
   */
  pack: Float64Array;
  /** A fringe tile (fewer than MR rows or NR columns valid) before it is copied into C. */
  readonly tile: Float64Array;
}

type Kernel = (
  m: number,
  n: number,
  k: number,
  ad: FloatArray,
  ao: number,
  ars: number,
  acs: number,
  bd: FloatArray,
  bo: number,
  brs: number,
  bcs: number,
  c: FloatArray,
  co: number,
  ws: Workspace,
) => void;

/**
 * The direct kernel: Kernel's arguments, with `first` (this is the first k-block: the
 * float32 kernel adds later ones to C; the float64 one sums all of k at once) for `ws`.
 */
type SmallKernel = (...args: [...KernelArgs, first: boolean]) => void;
type KernelArgs = Parameters<Kernel> extends [...infer A, Workspace] ? A : never;

interface Copy {
  readonly packed: Kernel;
  readonly small: SmallKernel;
}

const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);
/** `f(i, j)` for every cell of the MR×NR tile, joined by `sep`. */
const cells = (f: (i: number, j: number) => string, sep = ' '): string =>
  range(MR)
    .flatMap((i) => range(NR).map((j) => f(i, j)))
    .join(sep);

/**
 * The packed (BLIS-order) kernel. Loops: jc over NC-column blocks of B, pc over KC-deep
 * blocks (B packed here), ic over MC-row blocks of A (A packed here), then jr over B panels
 * and ir over A panels, each pair a micro-kernel call. Fringe tiles run the full 4×4 loop on
 * zero-padded panels and copy only their valid cells to C.
 */
const packedSource = `
  function packA(ad, ao, ars, acs, i0, h, pc, kc, pa, dst) {
    // pa[dst + p*MR + i] = A[i0 + i, pc + p]; rows past h are zero
    if (acs <= ars) {
      for (let i = 0; i < ${MR}; i++) {
        let d = dst + i;
        if (i < h) {
          let s = ao + (i0 + i) * ars + pc * acs;
          for (let p = 0; p < kc; p++, d += ${MR}, s += acs) pa[d] = ad[s];
        } else {
          for (let p = 0; p < kc; p++, d += ${MR}) pa[d] = 0;
        }
      }
    } else {
      // A is stored column-major (a transposed view): walk its columns
      let d = dst;
      for (let p = 0; p < kc; p++) {
        let s = ao + i0 * ars + (pc + p) * acs;
        let i = 0;
        for (; i < h; i++, s += ars) pa[d + i] = ad[s];
        for (; i < ${MR}; i++) pa[d + i] = 0;
        d += ${MR};
      }
    }
  }

  function packB(bd, bo, brs, bcs, j0, w, pc, kc, pb, dst) {
    // pb[dst + p*NR + j] = B[pc + p, j0 + j]; columns past w are zero
    if (bcs <= brs) {
      let d = dst;
      for (let p = 0; p < kc; p++) {
        let s = bo + (pc + p) * brs + j0 * bcs;
        let j = 0;
        for (; j < w; j++, s += bcs) pb[d + j] = bd[s];
        for (; j < ${NR}; j++) pb[d + j] = 0;
        d += ${NR};
      }
    } else {
      // B is a transposed row-major matrix (Wᵀ): walk its columns, contiguous along k
      for (let j = 0; j < ${NR}; j++) {
        let d = dst + j;
        if (j < w) {
          let s = bo + pc * brs + (j0 + j) * bcs;
          for (let p = 0; p < kc; p++, d += ${NR}, s += brs) pb[d] = bd[s];
        } else {
          for (let p = 0; p < kc; p++, d += ${NR}) pb[d] = 0;
        }
      }
    }
  }

  // One MR×NR tile of C: 16 accumulators over the kc-deep panels at pack[ai..] (of A) and
  // pack[bi..] (of B). The first k-block writes C, later ones add to it.
  function micro(pack, ai, bi, kc, c, ci, ldc, h, w, first, tile) {
    ${cells((i, j) => `let c${i}${j} = 0;`)}
    for (let p = 0; p < kc; p++) {
      ${range(MR)
        .map((i) => `const a${i} = pack[ai + ${i}];`)
        .join(' ')}
      ${range(NR)
        .map((j) => `const b${j} = pack[bi + ${j}];`)
        .join(' ')}
      ${cells((i, j) => `c${i}${j} += a${i} * b${j};`, '\n      ')}
      ai += ${MR};
      bi += ${NR};
    }
    if (h === ${MR} && w === ${NR}) {
      if (first) {
        ${cells((i, j) => `c[ci + ${i} * ldc + ${j}] = c${i}${j};`, '\n        ')}
      } else {
        ${cells((i, j) => `c[ci + ${i} * ldc + ${j}] += c${i}${j};`, '\n        ')}
      }
      return;
    }
    ${cells((i, j) => `tile[${i * NR + j}] = c${i}${j};`)}
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        const r = ci + i * ldc + j;
        c[r] = first ? tile[i * ${NR} + j] : c[r] + tile[i * ${NR} + j];
      }
    }
  }

  return function gemmPacked(m, n, k, ad, ao, ars, acs, bd, bo, brs, bcs, c, co, ws) {
    // equal k-blocks: k = 257 runs as 129 + 128, not 256 + 1
    const kcMax = Math.ceil(k / Math.ceil(k / ${KC}));
    const ncMax = Math.min(${NC}, Math.ceil(n / ${NR}) * ${NR});
    const mcMax = Math.min(${MC}, Math.ceil(m / ${MR}) * ${MR});
    const aStart = kcMax * ncMax; // A's panels follow B's in the one pack buffer
    if (ws.pack.length < aStart + kcMax * mcMax) ws.pack = new Float64Array(aStart + kcMax * mcMax);
    const pack = ws.pack;
    const tile = ws.tile;
    for (let jc = 0; jc < n; jc += ${NC}) {
      const jEnd = Math.min(n, jc + ${NC});
      for (let pc = 0; pc < k; pc += kcMax) {
        const kc = Math.min(kcMax, k - pc);
        const first = pc === 0;
        for (let j0 = jc, d = 0; j0 < jEnd; j0 += ${NR}, d += ${NR} * kc) {
          packB(bd, bo, brs, bcs, j0, Math.min(${NR}, jEnd - j0), pc, kc, pack, d);
        }
        for (let ic = 0; ic < m; ic += ${MC}) {
          const iEnd = Math.min(m, ic + ${MC});
          for (let i0 = ic, d = aStart; i0 < iEnd; i0 += ${MR}, d += ${MR} * kc) {
            packA(ad, ao, ars, acs, i0, Math.min(${MR}, iEnd - i0), pc, kc, pack, d);
          }
          for (let j0 = jc, bi = 0; j0 < jEnd; j0 += ${NR}, bi += ${NR} * kc) {
            const w = Math.min(${NR}, jEnd - j0);
            for (let i0 = ic, ai = aStart; i0 < iEnd; i0 += ${MR}, ai += ${MR} * kc) {
              const h = Math.min(${MR}, iEnd - i0);
              micro(pack, ai, bi, kc, c, co + i0 * n + j0, n, h, w, first, tile);
            }
          }
        }
      }
    }
  };`;

/**
 * One R×C block of C computed straight from A and B (no packing): R·C local accumulators,
 * one pass over k. Each cell is summed in k order from 0, as in the packed micro-kernel,
 * so both paths give the same bits (up to KC deep: past it, the packed path rounds a
 * float32 C between k-blocks). In float32 (`f32`), each product and each sum is rounded to
 * float32 (`f`, Math.fround), and the block is added to C unless it is the first k-block.
 */
function tileSource(R: number, C: number, f32: boolean): string {
  const rows = range(R);
  const cols = range(C);
  const all = (f: (i: number, j: number) => string, sep = ' '): string =>
    rows.flatMap((i) => cols.map((j) => f(i, j))).join(sep);
  const madd = f32
    ? (i: number, j: number) => `c${i}${j} = f(c${i}${j} + f(a${i} * b${j}));`
    : (i: number, j: number) => `c${i}${j} += a${i} * b${j};`;
  const put = f32
    ? (i: number, j: number) =>
        `c[ci + ${i} * n + ${j}] = first ? c${i}${j} : c[ci + ${i} * n + ${j}] + c${i}${j};`
    : (i: number, j: number) => `c[ci + ${i} * n + ${j}] = c${i}${j};`;
  return `
  function tile${R}x${C}(k, ad, sa, ars, acs, bd, sb, brs, bcs, c, ci, n, first) {
    ${rows.map((i) => `const ar${i} = ${i} * ars;`).join(' ')}
    ${cols.map((j) => `const bc${j} = ${j} * bcs;`).join(' ')}
    ${all((i, j) => `let c${i}${j} = 0;`)}
    for (let p = 0; p < k; p++, sa += acs, sb += brs) {
      ${rows.map((i) => `const a${i} = ad[sa + ar${i}];`).join(' ')}
      ${cols.map((j) => `const b${j} = bd[sb + bc${j}];`).join(' ')}
      ${all(madd, '\n      ')}
    }
    ${all(put, '\n    ')}
  }`;
}

/**
 * The direct kernel for small or skinny products, where packing costs more than it saves:
 * MR×NR tiles read straight from A and B along any strides, and fringe tiles of the exact
 * leftover size (a 300×3 product is 4×3 tiles, not 4×4 ones with a wasted column). In
 * float32 (`f32`) it computes one k-block, written to C if `first`, else added to it.
 */
const smallSource = (f32: boolean): string => `
  const f = Math.fround;
  ${range(MR)
    .flatMap((i) => range(NR).map((j) => tileSource(i + 1, j + 1, f32)))
    .join('\n')}
  // tiles[R - 1][C - 1] computes an R×C block
  const tiles = [${range(MR)
    .map((i) => `[${range(NR).map((j) => `tile${i + 1}x${j + 1}`)}]`)
    .join(', ')}];

  return function gemmSmall(m, n, k, ad, ao, ars, acs, bd, bo, brs, bcs, c, co, first) {
    const nFull = n - (n % ${NR});
    const w = n - nFull;
    for (let i = 0; i < m; i += ${MR}) {
      const h = Math.min(${MR}, m - i);
      const sa = ao + i * ars;
      const ci = co + i * n;
      if (h === ${MR}) {
        for (let j = 0; j < nFull; j += ${NR}) {
          tile${MR}x${NR}(k, ad, sa, ars, acs, bd, bo + j * bcs, brs, bcs, c, ci + j, n, first);
        }
      } else {
        const row = tiles[h - 1];
        for (let j = 0; j < nFull; j += ${NR}) {
          row[${NR - 1}](k, ad, sa, ars, acs, bd, bo + j * bcs, brs, bcs, c, ci + j, n, first);
        }
      }
      if (w > 0) tiles[h - 1][w - 1](k, ad, sa, ars, acs, bd, bo + nFull * bcs, brs, bcs, c, ci + nFull, n, first);
    }
  };`;

const copies: (Copy | undefined)[] = [];

/** The kernel copy for these three arrays' types: one per combination, made on first use. */
function kernelsFor(a: FloatArray, b: FloatArray, c: FloatArray): Copy {
  const key =
    (a instanceof Float64Array ? 4 : 0) +
    (b instanceof Float64Array ? 2 : 0) +
    (c instanceof Float64Array ? 1 : 0);
  let ks = copies[key];
  if (ks === undefined) {
    ks = {
      packed: new Function(`'use strict';${packedSource}`)() as Kernel,
      small: new Function(`'use strict';${smallSource(false)}`)() as SmallKernel,
    };
    copies[key] = ks;
  }
  return ks;
}

const workspace: Workspace = {
  pack: new Float64Array(0),
  tile: new Float64Array(MR * NR),
};

/**
 * A float32 product with a side under this sums in float32, in the order of the 'wasm'
 * backend's float32 kernels (which run these shapes on kernels of their own): each k-block
 * from 0 over k in order, then added to the cell. Both backends then compute the notes'
 * case study (2 inputs, 3 classes) with the same bits: its training diverges at the first
 * differing bit (a float64 sum here against a float32 one there gave 98.3% and 98.7%).
 */
export const SKINNY_DIM = 4;

/** The float32 kernel of skinny products, made on first use (see `SKINNY_DIM`). */
let smallF32: SmallKernel | undefined;

/**
 * C = A (m×k) · B (k×n), written into the contiguous row-major m×n block of `c` at offset
 * `co` (overwritten, not accumulated). A, B and C may each be float32 or float64. Products
 * are summed in float64; a float32 C holds the partial sums between k-blocks of up to KC.
 * All-float32 products with a side under SKINNY_DIM sum in float32 instead.
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: FloatArray,
  co: number,
): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    c.fill(0, co, co + m * n);
    return;
  }
  if (
    (m < SKINNY_DIM || n < SKINNY_DIM || k < SKINNY_DIM) &&
    a.data instanceof Float32Array &&
    b.data instanceof Float32Array &&
    c instanceof Float32Array
  ) {
    smallF32 ??= new Function(`'use strict';${smallSource(true)}`)() as SmallKernel;
    // equal k-blocks of up to KC, as the packed kernels cut them
    const kcMax = Math.ceil(k / Math.ceil(k / KC));
    for (let pc = 0; pc < k; pc += kcMax) {
      const ao = a.offset + pc * a.cs;
      const bo = b.offset + pc * b.rs;
      const kc = Math.min(kcMax, k - pc);
      smallF32(m, n, kc, a.data, ao, a.rs, a.cs, b.data, bo, b.rs, b.cs, c, co, pc === 0);
    }
    return;
  }
  const ks = kernelsFor(a.data, b.data, c);
  const ad = a.data;
  const bd = b.data;
  if (m < MR || n < NR || m * n * k <= SMALL_WORK) {
    ks.small(m, n, k, ad, a.offset, a.rs, a.cs, bd, b.offset, b.rs, b.cs, c, co, true);
  } else {
    ks.packed(m, n, k, ad, a.offset, a.rs, a.cs, bd, b.offset, b.rs, b.cs, c, co, workspace);
  }
}

/** gemm, then the bias row added to each row of C; see `Kernels.gemmBias`. */
export function gemmBias(
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  bias: Dense,
  c: FloatArray,
  co: number,
): void {
  gemm(m, n, k, a, b, c, co);
  addRows(m, n, bias, c, co);
}

/** gemmBias (or gemm, without a bias), then relu of each value; see `Kernels.gemmBiasRelu`. */
export function gemmBiasRelu(
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  bias: Dense | null,
  c: FloatArray,
  co: number,
): void {
  gemm(m, n, k, a, b, c, co);
  if (bias !== null) addRows(m, n, bias, c, co);
  // max(v, 0) as relu's expression computes it: NaN stays NaN (v ≤ 0 is false), -0 gives +0
  for (let i = co, end = co + m * n; i < end; i++) if (c[i]! <= 0) c[i] = 0;
}

/** c[co + i·n + j] += bias[j] for each of m rows, rounded into c's dtype (as map(add) does). */
function addRows(m: number, n: number, bias: Dense, c: FloatArray, co: number): void {
  const b = bias.data;
  const bo = bias.offset;
  for (let i = 0, o = co; i < m; i++, o += n) {
    for (let j = 0; j < n; j++) c[o + j] = c[o + j]! + b[bo + j]!;
  }
}
