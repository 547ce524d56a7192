// Column sums of a dense float32 matrix (a bias gradient: dy summed over the batch), each
// summed in float64 from row 0 down, rounded to float32 once: the JavaScript kernel's bits.
// A column sum is the product of a row of ones with the matrix, and 1·x is exact in float64,
// so skinny.ts's `row` computes it with the same sums.
import { row } from './skinny';

/** A float32 1 in the module's static data: the row of ones, read with stride 0. */
const ONE = memory.data<f32>([1]);

/** out[j] = Σ_r x[r·n + j] for j < n, over m rows of n float32 values at x. */
export function sumRowsF32(m: i32, n: i32, x: usize, out: usize): void {
  row(ONE, 0, x, n, m, out, 1);
}
