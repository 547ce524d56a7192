// matmul kernel: C[m,n] = Σ_k A[m,k]·B[k,n] on one 2-D slice of each operand. Operands
// arrive as (buffer, offset, row stride, column stride); a transposed operand is read
// through its strides, never by a slow strided inner loop: when B is row-major the inner
// loop runs along B's rows (i-k-j order); when B is a transposed row-major matrix (the
// `x Wᵀ` of a linear layer) the inner loop is a dot product of two contiguous rows.
import type { FloatArray } from '../dtype.js';

export interface Operand {
  readonly data: FloatArray;
  readonly offset: number;
  /** Stride between rows. */
  readonly rs: number;
  /** Stride between columns. */
  readonly cs: number;
}

/** C (contiguous, zeroed, at offset co) = A (m×k) · B (k×n). */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: FloatArray,
  co: number,
): void {
  if (b.cs === 1) gemmRowMajorB(m, n, k, a, b, c, co);
  else if (b.rs === 1 && a.cs === 1) gemmDot(m, n, k, a, b, c, co);
  else gemmRowMajorB(m, n, k, a, packRowMajor(k, n, b), c, co);
}

/** Copy a strided k×n operand into a contiguous row-major one. */
function packRowMajor(k: number, n: number, b: Operand): Operand {
  const out = new (b.data.constructor as new (n: number) => FloatArray)(k * n);
  for (let i = 0; i < k; i++) {
    let p = b.offset + i * b.rs;
    for (let j = 0; j < n; j++, p += b.cs) out[i * n + j] = b.data[p]!;
  }
  return { data: out, offset: 0, rs: n, cs: 1 };
}

const KB = 256;

/** i-k-j with a k-block: C's row stays in cache while rows of B stream by. */
function gemmRowMajorB(
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: FloatArray,
  co: number,
): void {
  const ad = a.data;
  const bd = b.data;
  for (let k0 = 0; k0 < k; k0 += KB) {
    const k1 = Math.min(k, k0 + KB);
    for (let i = 0; i < m; i++) {
      const ci = co + i * n;
      const ai = a.offset + i * a.rs;
      for (let p = k0; p < k1; p++) {
        const aip = ad[ai + p * a.cs]!;
        if (aip === 0) continue;
        const bp = b.offset + p * b.rs;
        for (let j = 0; j < n; j++) c[ci + j]! += aip * bd[bp + j]!;
      }
    }
  }
}

/** Row i of A times column j of B, both contiguous along k (B is a transposed matrix). */
function gemmDot(
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  c: FloatArray,
  co: number,
): void {
  const ad = a.data;
  const bd = b.data;
  for (let i = 0; i < m; i++) {
    const ai = a.offset + i * a.rs;
    for (let j = 0; j < n; j++) {
      const bj = b.offset + j * b.cs;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let p = 0;
      for (; p + 3 < k; p += 4) {
        s0 += ad[ai + p]! * bd[bj + p]!;
        s1 += ad[ai + p + 1]! * bd[bj + p + 1]!;
        s2 += ad[ai + p + 2]! * bd[bj + p + 2]!;
        s3 += ad[ai + p + 3]! * bd[bj + p + 3]!;
      }
      for (; p < k; p++) s0 += ad[ai + p]! * bd[bj + p]!;
      c[co + i * n + j] = s0 + s1 + s2 + s3;
    }
  }
}
