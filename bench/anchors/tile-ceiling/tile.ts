// The ceiling of the 'wasm' backend's product on this machine: its 4×8 register tile's
// arithmetic alone (per step of k: two f32x4 loads of B, four splats of A, eight multiplies
// and eight adds, or eight fused multiply-adds with relaxed SIMD) over panels small enough to
// stay in L1, with no packing, no edges and no copies. Compiled by ceiling.bench.ts (with
// AssemblyScript, as packages/core/wasm/assembly/ is).

function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** `iters` passes of the tile over an A panel of 4×k at `a` and a B panel of k×8 at `b`. */
export function tile(iters: i32, a: usize, b: usize, k: i32): f32 {
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  let c2 = f32x4.splat(0);
  let c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0);
  let c5 = f32x4.splat(0);
  let c6 = f32x4.splat(0);
  let c7 = f32x4.splat(0);
  for (let it = 0; it < iters; it++) {
    let pa = a;
    let pb = b;
    for (let p = 0; p < k; p++) {
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      let s = v128.load32_splat(pa);
      c0 = madd(s, b0, c0);
      c1 = madd(s, b1, c1);
      s = v128.load32_splat(pa, 4);
      c2 = madd(s, b0, c2);
      c3 = madd(s, b1, c3);
      s = v128.load32_splat(pa, 8);
      c4 = madd(s, b0, c4);
      c5 = madd(s, b1, c5);
      s = v128.load32_splat(pa, 12);
      c6 = madd(s, b0, c6);
      c7 = madd(s, b1, c7);
      pa += 16;
      pb += 32;
    }
  }
  const t = f32x4.add(
    f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)),
    f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)),
  );
  return f32x4.extract_lane(t, 0);
}
