// The kernel layer: every computation over tensor storage goes through one of these kernels.
// Ops say what to compute (shapes, dtypes, an elementwise expression); a backend says how.
// The 'js' backend implements them over typed arrays; another backend implements the same
// names and is tested by the same op table.
import type { FloatArray } from '../dtype.js';
import type { Expr } from './expr.js';

/** A strided view of a typed array: what a kernel reads (and writes). `ndarray`s are views. */
export interface View {
  readonly data: FloatArray;
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  readonly offset: number;
}

/** Values stored densely (row-major) from `offset`: what the fused update kernels walk. */
export interface Dense {
  readonly data: FloatArray;
  readonly offset: number;
}

/** One matrix of a product: its buffer, first element, and strides between rows and columns. */
export interface Operand {
  readonly data: FloatArray;
  readonly offset: number;
  /** Stride between rows. */
  readonly rs: number;
  /** Stride between columns. */
  readonly cs: number;
}

/** Whole-number indices with a shape (gather indices, class labels). */
export interface IndexArray {
  readonly data: Int32Array;
  readonly shape: readonly number[];
}

/**
 * A reduction the `reduce` kernel computes: 'sum', 'max', or 'any' (1 where some element is
 * not 0 — NaN counts as not 0 — else 0, as PyTorch's `any`; a kernel may stop at the first).
 */
export type ReduceKind = 'sum' | 'max' | 'any';

/** Hyperparameters of one SGD step, resolved for the kernel. */
export interface SgdStep {
  readonly lr: number;
  readonly weightDecay: number;
  /** 0: plain SGD (no buffer is read or written). */
  readonly momentum: number;
  /** 1 − dampening. */
  readonly keep: number;
  readonly nesterov: boolean;
  /** The first step of a momentum buffer: it is set to the gradient, not blended. */
  readonly first: boolean;
}

/** Hyperparameters of one Adam / AdamW step, resolved for the kernel (see `adamStep`). */
export interface AdamStep {
  /** AdamW's decoupled decay factor 1 − lr·λ (1 for Adam). */
  readonly decay: number;
  /** Adam's L2 term λ added to the gradient (0 for AdamW). */
  readonly l2: number;
  /** 1 − β₁. */
  readonly w1: number;
  readonly beta2: number;
  /** 1 − β₂. */
  readonly w2: number;
  /** lr / (1 − β₁ᵗ). */
  readonly stepSize: number;
  /** √(1 − β₂ᵗ). */
  readonly bc2Sqrt: number;
  readonly eps: number;
  readonly amsgrad: boolean;
}

/**
 * The primitive kernels. Inputs are read through their strides (any layout, broadcast with
 * stride 0); outputs are written where the kernel says. Every kernel accepts float32 and
 * float64 arrays in any combination and computes in float64 unless it says otherwise.
 */
export interface Kernels {
  // Elementwise
  /**
   * `out = expr(inputs…)` elementwise: the inputs broadcast to `out.shape` (NumPy rules), and
   * `params` are the expression's run-time parameters. `out` may be a strided view and may be
   * one of the inputs (every element is read before it is written).
   */
  map(expr: Expr, inputs: readonly View[], out: View, params?: readonly number[]): void;
  /** `dst = src` (broadcast to dst's shape, converted to dst's dtype). */
  copy(src: View, dst: View): void;
  /** Every element of `dst` set to `value`. */
  fill(dst: View, value: number): void;

  // Reductions
  /**
   * Sum or max of `x` (or of `pre(x)`, an elementwise expression of input 0 applied to each
   * element on the way: fused, no temporary) over `dims` (sorted, distinct), into the
   * contiguous `out` of the kept dims' size. Accumulates in float64, walking x in memory
   * order; max propagates NaN.
   */
  reduce(kind: ReduceKind, x: View, dims: readonly number[], out: FloatArray, pre?: Expr): void;
  /**
   * The index of the largest value along `dim` (of the flattened x when null), the first on
   * ties, into the contiguous `out` (as float values).
   */
  argmax(x: View, dim: number | null, out: FloatArray): void;
  /** Σ |x|ᵖ over every element of x, in float64; for p = Infinity, max |x| (NaN propagates). */
  sumAbsPow(x: View, p: number): number;

  // Products
  /**
   * C = A (m×k) · B (k×n), written into the contiguous row-major m×n block of `c` at offset
   * `co` (overwritten). Either operand may be transposed (any strides). Sums in float64.
   */
  gemm(m: number, n: number, k: number, a: Operand, b: Operand, c: FloatArray, co: number): void;
  /**
   * gemm, then `bias` (n dense values, of either dtype) added to each row of C, rounded into
   * c's dtype: a linear layer's forward, the same values as gemm followed by map(add).
   */
  gemmBias(
    m: number,
    n: number,
    k: number,
    a: Operand,
    b: Operand,
    bias: Dense,
    c: FloatArray,
    co: number,
  ): void;
  /**
   * gemm (then the bias row, if any, as gemmBias adds it), then max(·, 0) of each value as
   * relu's map computes it: a linear layer followed by ReLU in one pass over C, with the same
   * bits as the three steps. Optional: without it, ops run gemmWith, then map.
   */
  gemmBiasRelu?(
    m: number,
    n: number,
    k: number,
    a: Operand,
    b: Operand,
    bias: Dense | null,
    c: FloatArray,
    co: number,
  ): void;

  /**
   * linearRelu's backward for float32 matrices in one call, or false (nothing written) to
   * leave it to the ops: with dz = h ≤ 0 ? 0 : dy (reluBackward), dx = dz·W (m×k), dW =
   * dzᵀ·x (n×k) and db = dz summed over its m rows, each written (row-major, from 0) where
   * an array is given, with the bits of the ops it replaces. dy and h: dense m×n; x: m×k;
   * w: n×k. Optional: the 'wasm' backend keeps dz in its memory for all three.
   */
  linearReluGrads?(
    m: number,
    n: number,
    k: number,
    dy: Dense,
    h: Dense,
    x: Operand,
    w: Operand,
    dx: Float32Array | null,
    dw: Float32Array | null,
    db: Float32Array | null,
  ): boolean;

  // Indexing
  /** `out[i…] = x[i…, index[i…] at dim, …]` (PyTorch's gather), out contiguous of index's shape. */
  gather(x: View, dim: number, index: IndexArray, out: FloatArray): void;
  /** `out[…, index[i…] at dim, …] += src[i…]`: gather's transpose, into the contiguous `out`. */
  scatterAdd(src: View, dim: number, index: IndexArray, out: View): void;
  /**
   * The slices `index[0], index[1], …` of x along `dim`, in that order, into the contiguous
   * `out` (x's shape with `index.length` at dim; converted to out's dtype).
   */
  indexSelect(x: View, dim: number, index: Int32Array, out: FloatArray): void;
  /** `out[…, index[i], …] += src[…, i, …]` along `dim`: indexSelect's transpose, into the contiguous `out`. */
  indexAdd(src: View, dim: number, index: Int32Array, out: FloatArray): void;

  // Fused optimizer updates: parameter, gradient and state buffers of n values each
  /** One SGD step: p ← p − lr·(d + μ·b) (Nesterov) or p − lr·b, with d = g + λp and b the momentum buffer. */
  sgdStep(p: Dense, g: Dense, buf: Dense | null, n: number, h: SgdStep): void;
  /** One Adam / AdamW step over p with moments m, v (and vmax for amsgrad). */
  adamStep(
    p: Dense,
    g: Dense,
    m: Dense,
    v: Dense,
    vmax: Dense | null,
    n: number,
    h: AdamStep,
  ): void;

  // Fused losses, over contiguous [n, c] scores and n labels
  /**
   * Per-row `logsumexp(z) - z[y]` into `losses` (n values, float64); with `probs` (n·c
   * values), also softmax(z) per row into it, in float64, as the backward kernel computes it.
   */
  softmaxCrossEntropy(
    z: View,
    labels: Int32Array,
    losses: Float64Array,
    probs?: Float64Array,
  ): void;
  /**
   * `(softmax(z) - onehot(y)) · scale` per row into `out` ([n, c]); scale has 1 or n values.
   * `probs`, when given, is what the forward kernel wrote for this z, used instead of
   * computing softmax(z) again (the same values).
   */
  softmaxCrossEntropyBackward(
    z: View,
    labels: Int32Array,
    scale: View,
    out: FloatArray,
    probs?: Float64Array,
  ): void;
  /** Per-row `Σ_{j≠y} max(0, s_j − s_y + margin)` into `losses`. */
  multiclassHinge(s: View, labels: Int32Array, margin: number, losses: Float64Array): void;
  /** The subgradient of multiclassHinge per row: +1 per violating class, −(count) at the label. */
  multiclassHingeBackward(s: View, labels: Int32Array, margin: number, out: FloatArray): void;
}

/**
 * `ks.gemm`, or `ks.gemmBias` when there is a bias: C = A·B (+ the bias row); with `relu`,
 * `ks.gemmBiasRelu` (which the caller has checked `ks` has).
 */
export function gemmWith(
  ks: Kernels,
  m: number,
  n: number,
  k: number,
  a: Operand,
  b: Operand,
  bias: Dense | null,
  c: FloatArray,
  co: number,
  relu = false,
): void {
  if (relu) ks.gemmBiasRelu!(m, n, k, a, b, bias, c, co);
  else if (bias === null) ks.gemm(m, n, k, a, b, c, co);
  else ks.gemmBias(m, n, k, a, b, bias, c, co);
}
