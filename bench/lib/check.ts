// Result checks for the contenders: each one's output is compared with a reference before
// it is timed, so a fast wrong answer shows up as a failure, not as a speed.

/** The largest |x − y| / (1 + |y|) over the elements. */
export function maxRelDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i]! - y[i]!) / (1 + Math.abs(y[i]!));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  return worst;
}

/** Throws when `got` is off `want` by more than `tol` (as maxRelDiff measures it). */
export function checkClose(
  what: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tol: number,
): void {
  const d = maxRelDiff(got, want);
  if (!(d <= tol)) {
    throw new Error(`wrong result: ${what} is off the reference by ${d.toExponential(2)}`);
  }
}

/**
 * C = A·B in float64 for A [m, k] and B [k, n] given by strides into flat arrays, the
 * reference the products are checked against (slow; outside any timing).
 */
export function referenceMatmul(
  m: number,
  k: number,
  n: number,
  a: ArrayLike<number>,
  aStride: readonly [number, number],
  b: ArrayLike<number>,
  bStride: readonly [number, number],
): Float64Array {
  const c = new Float64Array(m * n);
  const [ai, ap] = aStride;
  const [bp, bj] = bStride;
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const x = a[i * ai + p * ap]!;
      const o = p * bp;
      for (let j = 0; j < n; j++) row[j]! += x * b[o + j * bj]!;
    }
    c.set(row, i * n);
  }
  return c;
}
