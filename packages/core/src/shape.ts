// Shape arithmetic: sizes, contiguous strides, NumPy broadcasting, dim normalization.
import { fmtShape, ShapeError } from './errors.js';

export type Shape = readonly number[];

/**
 * The most dims a tensor may have (NumPy's limit too). Checked before anything is built: the
 * cost of a view class grows with the rank, and rank 2000 used to exhaust memory.
 */
export const MAX_RANK = 64;

/** A ShapeError naming `op` when `rank` exceeds MAX_RANK. */
export function checkRank(op: string, rank: number, what = 'a tensor'): void {
  if (rank > MAX_RANK) {
    throw new ShapeError(op, `${what} may have at most ${MAX_RANK} dims, got ${rank}`);
  }
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Whether `stride` lays `shape` out in row-major order (size-1 dims may have any stride). */
export function isRowMajor(shape: Shape, stride: Shape): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    if (d !== 1 && stride[i] !== s) return false;
    s *= d;
  }
  return true;
}

/** Whether an array is row-major and fills its whole buffer from offset 0 (safe to write in place). */
export function ownsBuffer(a: {
  readonly shape: Shape;
  readonly stride: Shape;
  readonly offset: number;
  readonly data: { readonly length: number };
}): boolean {
  return a.offset === 0 && a.data.length === sizeOf(a.shape) && isRowMajor(a.shape, a.stride);
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The NumPy broadcast of two shapes, or a ShapeError naming the op and both shapes. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  // the shorter shape's missing leading dims are 1 (never read past an array's start: a
  // negative index is a property lookup, ~10× slower than an element)
  const ea = n - a.length;
  const eb = n - b.length;
  for (let i = 0; i < n; i++) {
    const da = i < ea ? 1 : a[i - ea]!;
    const db = i < eb ? 1 : b[i - eb]!;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        op,
        `shapes ${fmtShape(a)} and ${fmtShape(b)} cannot broadcast (dim ${i - n}: ${da} vs ${db})`,
        [a, b],
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** A dim in [-ndim, ndim) made non-negative, or a ShapeError naming the op and the shape. */
export function normalizeDim(op: string, dim: number, ndim: number, shape?: Shape): number {
  if (!Number.isInteger(dim) || dim < -ndim || dim >= ndim) {
    const where = shape ? ` of a tensor of shape ${fmtShape(shape)}` : '';
    const range = ndim === 0 ? 'a scalar has no dims' : `expected a dim in [${-ndim}, ${ndim - 1}]`;
    throw new ShapeError(op, `dim ${dim} is out of range${where}; ${range}`, shape ? [shape] : []);
  }
  return dim < 0 ? dim + ndim : dim;
}

/** Normalized, sorted, unique dims; `undefined` means every dim. */
export function normalizeDims(
  op: string,
  dims: number | readonly number[] | undefined,
  shape: Shape,
): number[] {
  if (dims === undefined) {
    const all = new Array<number>(shape.length);
    for (let i = 0; i < shape.length; i++) all[i] = i;
    return all;
  }
  if (typeof dims === 'number') return [normalizeDim(op, dims, shape.length, shape)];
  if (typeof dims !== 'number' && !Array.isArray(dims)) {
    throw new ShapeError(
      op,
      `dim must be a number or a list of numbers, got ${JSON.stringify(dims)}`,
      [shape],
    );
  }
  const list: readonly number[] = dims;
  const normalized = list.map((d) => normalizeDim(op, d, shape.length, shape));
  let increasing = true;
  for (let i = 1; i < normalized.length; i++) {
    if (normalized[i]! <= normalized[i - 1]!) increasing = false;
  }
  if (increasing) return normalized; // already sorted, no repeat
  const out = [...new Set(normalized)];
  if (out.length !== list.length) {
    throw new ShapeError(op, `dims ${JSON.stringify(list)} repeat a dim`, [shape]);
  }
  return out.sort((x, y) => x - y);
}

/** The shape of a reduction over `dims`. */
export function reducedShape(shape: Shape, dims: readonly number[], keepdim: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (dims.includes(i)) {
      if (keepdim) out.push(1);
    } else out.push(shape[i]!);
  }
  return out;
}

export function checkShape(op: string, shape: unknown): number[] {
  if (Array.isArray(shape)) checkRank(op, shape.length, 'a shape');
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    // NaN and Infinity print as themselves (JSON.stringify would print null)
    const got = Array.isArray(shape)
      ? `[${shape.map((d) => (typeof d === 'number' ? String(d) : JSON.stringify(d))).join(',')}]`
      : JSON.stringify(shape);
    throw new ShapeError(op, `shape must be a list of non-negative integers, got ${got}`);
  }
  return shape as number[];
}
