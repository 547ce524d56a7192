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

function lanes(kind: i32, a: v128, b: v128): v128 {
  if (kind === ADD) return f32x4.add(a, b);
  if (kind === SUB) return f32x4.sub(a, b);
  if (kind === MUL) return f32x4.mul(a, b);
  if (kind === RELU) return f32x4.max(a, f32x4.splat(0));
  assert(kind === RELU_BACKWARD);
  return v128.andnot(a, f32x4.le(b, f32x4.splat(0)));
}

function one(kind: i32, a: f32, b: f32): f32 {
  if (kind === ADD) return a + b;
  if (kind === SUB) return a - b;
  if (kind === MUL) return a * b;
  if (kind === RELU) return max<f32>(a, 0);
  assert(kind === RELU_BACKWARD);
  return b <= 0 ? 0 : a;
}

/** out[i] = f(x[i], y[i]) for i < n (y unused by relu). */
function run(kind: i32, n: i32, x: usize, y: usize, out: usize): void {
  const end = out + ((<usize>n) << 2);
  while (out + 16 <= end) {
    v128.store(out, lanes(kind, v128.load(x), v128.load(y)));
    out += 16;
    x += 16;
    y += 16;
  }
  while (out < end) {
    store<f32>(out, one(kind, load<f32>(x), load<f32>(y)));
    out += 4;
    x += 4;
    y += 4;
  }
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
