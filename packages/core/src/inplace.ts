// In-place writes: after creation, the only way a tensor's storage changes. The Tensor
// methods `copy_`, `fill_`, `add_`, … call these; optimizers, initializers and
// `loadStateDict` use them, and nothing outside core writes storage itself.
import { type Arr, emptyArray, makeArray, scalarArray } from './array.js';
import { isGradEnabled } from './autograd/mode.js';
import { bumpVersion } from './autograd/version.js';
import * as E from './backend/expr.js';
import { kernels } from './backend/registry.js';
import type { FloatArray } from './dtype.js';
import { AutogradError, describeInput, fmtShape, ShapeError, ValueError } from './errors.js';
import { type Rng, rngArg } from './random.js';
import { broadcastShapes, isRowMajor, sameShape, sizeOf } from './shape.js';
import { Tensor } from './tensor.js';

const [a, b] = E.inputs(2);
/** a + alpha · b, alpha a run-time parameter (one kernel for add_ and sub_ of any alpha). */
const ADD_SCALED = E.add(a, E.mul(E.param(0), b));
const MUL = E.mul(a, b);
const DIV = E.div(a, b);
/** Clamped to [p0, p1]: NaN fails both tests and stays itself. */
const CLAMP = E.select(
  E.lt(a, E.param(0)),
  E.param(0),
  E.select(E.gt(a, E.param(1)), E.param(1), a),
);

/**
 * Throw unless `t` may be written in place: it must not require grad, except inside `noGrad`
 * (as PyTorch refuses in-place ops on a leaf that requires grad).
 */
export function checkWritable(op: string, t: Tensor): void {
  if (!(t instanceof Tensor)) {
    throw new ValueError(op, `expected a Tensor to write into, got ${describeInput(t)}`);
  }
  if (t.requiresGrad && isGradEnabled()) {
    throw new AutogradError(
      op,
      `a tensor that requires grad (shape ${fmtShape(t.shape)}) cannot be changed in place while ops are recorded; do it inside noGrad(() => …), or on x.detach()`,
    );
  }
}

/**
 * `src` as an array to read while writing `dst`: a number becomes a float64 scalar; a tensor
 * must broadcast to dst's shape; one that shares dst's buffer through another view is copied
 * first (an element could otherwise be read after it was overwritten).
 */
function operand(op: string, dst: Tensor, src: Tensor | number): Arr {
  if (typeof src === 'number') return scalarArray(src, 'float64');
  if (!(src instanceof Tensor)) {
    throw new ValueError(op, `expected a Tensor or a number, got ${describeInput(src)}`);
  }
  const shape = broadcastShapes(op, src.shape, dst.shape);
  if (!sameShape(shape, dst.shape)) {
    throw new ShapeError(
      op,
      `a tensor of shape ${fmtShape(src.shape)} cannot be written into one of shape ${fmtShape(dst.shape)} (it would broadcast to ${fmtShape(shape)})`,
      [src.shape, dst.shape],
    );
  }
  const s = src.data;
  const d = dst.data;
  const sameView =
    s.offset === d.offset && sameShape(s.shape, d.shape) && sameShape(s.stride, d.stride);
  if (s.data !== d.data || sameView) return s;
  const copy = emptyArray(s.shape, src.dtype);
  kernels().copy(s, copy);
  return copy;
}

/** A number (±Infinity allowed, NaN not), or a ValueError naming the argument. */
function numberArg(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) {
    throw new ValueError(op, `${name} must be a number, got ${describeInput(v)}`);
  }
  return v;
}

/** `dst = src`, broadcast and converted. */
export function copy_(dst: Tensor, src: Tensor): void {
  checkWritable('copy_', dst);
  if (!(src instanceof Tensor)) {
    throw new ValueError('copy_', `src must be a Tensor, got ${describeInput(src)}`);
  }
  kernels().copy(operand('copy_', dst, src), dst.data);
  bumpVersion(dst);
}

/**
 * Make `dst` hold `src`'s storage (shared, any dtype; the shapes must match): how a tensor
 * changes dtype in place and stays the same object (`Module.to`). PyTorch's `set_`.
 */
export function set_(dst: Tensor, src: Tensor): void {
  checkWritable('set_', dst);
  if (!(src instanceof Tensor)) {
    throw new ValueError('set_', `src must be a Tensor, got ${describeInput(src)}`);
  }
  if (!sameShape(dst.shape, src.shape)) {
    throw new ShapeError(
      'set_',
      `src has shape ${fmtShape(src.shape)} but the tensor has shape ${fmtShape(dst.shape)}`,
      [dst.shape, src.shape],
    );
  }
  // a write of dst, as in PyTorch: an op that saved dst saw other values (dst keeps its own
  // counter; src's views do not share it)
  (dst as unknown as { data: Arr }).data = src.data;
  bumpVersion(dst);
}

/**
 * `t`'s values in row-major order for reading: its own buffer from `offset` when they lie
 * there densely (no copy), else a new array (offset 0). Never write into it: writes go
 * through the in-place methods.
 *
 * @example
 * const { data, offset } = denseValues(x); // x's i-th value is data[offset + i]
 */
export function denseValues(t: Tensor): { readonly data: FloatArray; readonly offset: number } {
  const d = t.data;
  if (isRowMajor(d.shape, d.stride)) return { data: d.data, offset: d.offset };
  return { data: t.toTypedArray(), offset: 0 };
}

/** Every element of `dst` set to `value`. */
export function fill_(dst: Tensor, value: number, op = 'fill_'): void {
  checkWritable(op, dst);
  if (typeof value !== 'number') {
    throw new ValueError(op, `value must be a number, got ${describeInput(value)}`);
  }
  kernels().fill(dst.data, value);
  bumpVersion(dst);
}

/** `dst += alpha · other`. */
export function add_(dst: Tensor, other: Tensor | number, alpha: number, op = 'add_'): void {
  checkWritable(op, dst);
  const x = operand(op, dst, other);
  kernels().map(ADD_SCALED, [dst.data, x], dst.data, [numberArg(op, 'alpha', alpha)]);
  bumpVersion(dst);
}

/** `dst *= other`. */
export function mul_(dst: Tensor, other: Tensor | number): void {
  checkWritable('mul_', dst);
  kernels().map(MUL, [dst.data, operand('mul_', dst, other)], dst.data);
  bumpVersion(dst);
}

/** `dst /= other`. */
export function div_(dst: Tensor, other: Tensor | number): void {
  checkWritable('div_', dst);
  kernels().map(DIV, [dst.data, operand('div_', dst, other)], dst.data);
  bumpVersion(dst);
}

/** Every element clamped into [min, max]. */
export function clamp_(dst: Tensor, min: number | undefined, max: number | undefined): void {
  checkWritable('clamp_', dst);
  const lo = min === undefined ? Number.NEGATIVE_INFINITY : numberArg('clamp_', 'min', min);
  const hi = max === undefined ? Number.POSITIVE_INFINITY : numberArg('clamp_', 'max', max);
  if (lo > hi) throw new ValueError('clamp_', `min ${lo} is larger than max ${hi}`);
  kernels().map(CLAMP, [dst.data], dst.data, [lo, hi]);
  bumpVersion(dst);
}

/** Fill `dst` with `draw()` for each element in row-major order. */
function fillFrom(op: string, dst: Tensor, draw: () => number): void {
  checkWritable(op, dst);
  const d = dst.data;
  if (isRowMajor(d.shape, d.stride)) {
    const buf = d.data;
    const end = d.offset + sizeOf(d.shape);
    for (let i = d.offset; i < end; i++) buf[i] = draw();
    bumpVersion(dst);
    return;
  }
  // a strided view: draw in row-major order, then write through the view
  const values = new Float64Array(dst.size);
  for (let i = 0; i < values.length; i++) values[i] = draw();
  kernels().copy(makeArray(values, d.shape), d);
  bumpVersion(dst);
}

/** Normal samples N(mean, std²), drawn in row-major order. */
export function normal_(dst: Tensor, mean: number, std: number, rng: Rng | undefined): void {
  const m = numberArg('normal_', 'mean', mean);
  const s = numberArg('normal_', 'std', std);
  if (!(s >= 0)) throw new ValueError('normal_', `std must be ≥ 0, got ${s}`);
  const r = rngArg('normal_', rng);
  fillFrom('normal_', dst, () => r.normal(m, s));
}

/** Uniform samples in [low, high), drawn in row-major order. */
export function uniform_(dst: Tensor, low: number, high: number, rng: Rng | undefined): void {
  const lo = numberArg('uniform_', 'low', low);
  const hi = numberArg('uniform_', 'high', high);
  if (lo > hi) throw new ValueError('uniform_', `low ${lo} is larger than high ${hi}`);
  const r = rngArg('uniform_', rng);
  fillFrom('uniform_', dst, () => r.uniform(lo, hi));
}
