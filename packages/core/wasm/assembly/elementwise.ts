// float32 elementwise kernels over dense arrays, four lanes at a time: the ops a network's
// forward and backward run most (x + y, x − y, x·y, relu, relu's backward), each giving the
// same bits as the JavaScript kernels' float64-then-round arithmetic (one IEEE float32
// operation per value; relu is IEEE max with +0, its backward a selection).

/** Kinds of `mapF32` (src/backend/wasm/index.ts has the same). */
const ADD: i32 = 0;
const SUB: i32 = 1;
const MUL: i32 = 2;
/** relu: max(x, +0) (NaN stays NaN, -0 gives +0). */
const RELU: i32 = 3;
/** relu's backward over (dy, x): x ≤ 0 ? +0 : dy (a NaN x passes dy). */
const RELU_BACKWARD: i32 = 4;

function one(kind: i32, a: f32, b: f32): f32 {
  if (kind === ADD) return a + b;
  if (kind === SUB) return a - b;
  if (kind === MUL) return a * b;
  if (kind === RELU) return max<f32>(a, 0);
  assert(kind === RELU_BACKWARD);
  return b <= 0 ? 0 : a;
}

/**
 * out[i] = f(x[i], y[i]) for i < n (y unused by relu). One loop per kind, chosen before it
 * runs: with the kind tested inside the loop, a vector took ~5 cycles instead of ~1.
 */
function run(kind: i32, n: i32, x: usize, y: usize, out: usize): void {
  const vectors = (<usize>(n & ~3)) << 2;
  const zero = f32x4.splat(0);
  let i: usize = 0;
  if (kind === ADD) {
    for (; i < vectors; i += 16) {
      v128.store(out + i, f32x4.add(v128.load(x + i), v128.load(y + i)));
    }
  } else if (kind === SUB) {
    for (; i < vectors; i += 16) {
      v128.store(out + i, f32x4.sub(v128.load(x + i), v128.load(y + i)));
    }
  } else if (kind === MUL) {
    for (; i < vectors; i += 16) {
      v128.store(out + i, f32x4.mul(v128.load(x + i), v128.load(y + i)));
    }
  } else if (kind === RELU) {
    // pmax(x, 0) = x < 0 ? 0 : x, then + 0 turns -0 into +0: IEEE max's bits (NaN stays) in
    // two instructions, where V8 lowers f32x4.max to about eight
    for (; i < vectors; i += 16) {
      v128.store(out + i, f32x4.add(f32x4.pmax(v128.load(x + i), zero), zero));
    }
  } else {
    assert(kind === RELU_BACKWARD);
    for (; i < vectors; i += 16) {
      v128.store(out + i, v128.andnot(v128.load(x + i), f32x4.le(v128.load(y + i), zero)));
    }
  }
  const end = (<usize>n) << 2;
  for (; i < end; i += 4) store<f32>(out + i, one(kind, load<f32>(x + i), load<f32>(y + i)));
}

/**
 * out = f(x, y) elementwise over n float32 values. With row > 0, y holds `row` values
 * repeated along x's rows (a bias: y broadcast over the leading dims); else n values.
 */
export function mapF32(kind: i32, n: i32, x: usize, y: usize, out: usize, row: i32): void {
  if (row <= 0) {
    run(kind, n, x, y, out);
    return;
  }
  const step = (<usize>row) << 2;
  for (let done = 0; done < n; done += row) {
    run(kind, row, x, y, out);
    x += step;
    out += step;
  }
}
