// exp(x) in JavaScript with V8's bits: fdlibm's e_exp.c, which V8's Math.exp computes
// (src/base/ieee754.cc), in the form wasm/emit.ts compiles. Math.exp is a call into C++ that
// V8 does not inline (7.8 ns a value here); this one inlines into a kernel's loop (4.9 ns).
// The softmax losses call it 3 times per sample, once at 0 (the row's max less itself).
// |x| < 2⁻²⁸ gives fdlibm's 1 + x; the other arguments fdlibm treats apart (NaN, ±∞, overflow,
// underflow, subnormal results, and exp(1), for which V8 returns Math.E) go to Math.exp
// itself; an engine whose Math.exp is not fdlibm's (its results differ on the probes below)
// gets Math.exp for every value.

/** The double whose bits are hi·2³² + lo. */
function fromBits(hi: number, lo: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, hi);
  view.setUint32(4, lo);
  return view.getFloat64(0);
}

const LN2_HI = fromBits(0x3fe62e42, 0xfee00000);
const LN2_LO = fromBits(0x3dea39ef, 0x35793c76);
const INV_LN2 = fromBits(0x3ff71547, 0x652b82fe);
const P1 = fromBits(0x3fc55555, 0x5555553e);
const P2 = fromBits(0xbf66c16c, 0x16bebd93);
const P3 = fromBits(0x3f11566a, 0xaf25de2c);
const P4 = fromBits(0xbebbbd41, 0xc5d26bf1);
const P5 = fromBits(0x3e663769, 0x72bea4d0);
/** |x| > this: reduce the argument (fdlibm's test hx > 0x3fd62e42, |x| > ln2/2). */
const REDUCE = fromBits(0x3fd62e42, 0xffffffff);
/** |x| < this: fdlibm returns 1 + x (hx < 0x3e300000, |x| < 2⁻²⁸). */
const TINY = fromBits(0x3e300000, 0);

/** 2^(i − 1023) for the reduction's k + 1023: exact powers of two, every normal one. */
const POW2 = new Float64Array(2047);
for (let i = 0; i < POW2.length; i++) POW2[i] = 2 ** (i - 1023);

/**
 * exp(x) as fdlibm computes it, for |x| ≤ 707 but x = 1 (below 2⁻²⁸, 1 + x; above, k·ln2
 * reduces x into [−ln2/2, ln2/2], k = trunc(x/ln2 ± 1/2) is fdlibm's k, and y·2^k is normal,
 * so the multiplication by 2^k is exact); Math.exp elsewhere.
 */
function fdlibmExp(x: number): number {
  const ax = Math.abs(x);
  if (ax < TINY) return 1 + x;
  if (!(ax <= 707) || x === 1) return Math.exp(x);
  if (!(ax > REDUCE)) {
    const t = x * x;
    const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    return 1 - ((x * c) / (c - 2) - x);
  }
  const k = Math.trunc(x * INV_LN2 + (x < 0 ? -0.5 : 0.5));
  const hi = x - k * LN2_HI;
  const lo = k * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  return y * POW2[k + 1023]!;
}

/**
 * Arguments that take each branch and sit at its edges, and a spread across the range:
 * where another libm's exp tends to differ from fdlibm's in the last bit.
 */
function probes(): number[] {
  const edges = [
    0,
    2 ** -40,
    2 ** -29,
    2 ** -28,
    1e-5,
    0.5,
    Math.LN2 / 2,
    1.5 * Math.LN2,
    3,
    10,
    100,
    700,
    707,
  ];
  const out = edges.flatMap((v) => [v, -v, v * (1 + 2 ** -50), -v * (1 + 2 ** -50)]);
  for (let i = 0; i < 200; i++) out.push(-707 + i * 7.07 + i * 1e-9);
  return out;
}

/** Whether fdlibmExp gives this engine's Math.exp on every probe. */
function agrees(): boolean {
  return probes().every((x) => Object.is(fdlibmExp(x), Math.exp(x)));
}

/** exp(x) with the bits of this engine's Math.exp; inlined where that is fdlibm's. */
export const exp: (x: number) => number = agrees() ? fdlibmExp : Math.exp;

/** For tests: the fdlibm form itself, whatever the engine. */
export { fdlibmExp };
