// Tensor: an ndarray plus what the tape needs (requiresGrad, grad, the node that made it).
// Every method is a one-line call to the op (or in-place function) of the same name.
//
// The methods import the op library directly, so that every bundler keeps the ops a method
// calls: no entry module connects them as a side effect (tree shaking dropped such a side
// effect from production bundles). Some ops import Tensor back; the two only use each other
// when called, never while the modules are being evaluated. defineOp, which op modules do
// call while being evaluated, gets the class from autograd/tensor-class.ts.
import type { NdArray } from 'ndarray';
import { asArray, makeArray } from './array.js';
import { type BackwardOptions, backward } from './autograd/engine.js';
import type { Node } from './autograd/node.js';
import { HOLDERS } from './autograd/release.js';
import { provideTensorClass } from './autograd/tensor-class.js';
import { COUNTER, counterOf, type VersionCounter, versionOf } from './autograd/version.js';
import { allocate, type DType, dtypeOf, type FloatArray } from './dtype.js';
import { describeValue, fmtShape, ShapeError, ValueError } from './errors.js';
import * as inplace from './inplace.js';
import type { Labels } from './labels.js';
import * as ops from './ops/index.js';
import type { Rng } from './random.js';
import { isRowMajor, ownsBuffer, sameShape, sizeOf } from './shape.js';

export type NestedArray = number | NestedArray[];

/**
 * An n-dimensional array of float32 or float64 values that records the ops applied to it.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * x.mul(x).sum().backward(); // x.grad: [[2, 4], [6, 8]]
 */
export class Tensor {
  /**
   * The values, for reading only. Writes go through the in-place methods (`copy_`, `add_`,
   * `set_`, …), which count them (`version`); a write into `data.data` goes unseen, and a
   * gradient computed afterwards from the old values would be silently wrong.
   */
  readonly data: NdArray<FloatArray>;
  /** Whether ops on this tensor are recorded. Leaves set it; op outputs inherit it. */
  requiresGrad: boolean;
  #grad: Tensor | null = null;
  /** The node that produced this tensor; null for leaves. */
  gradFn: Node | null = null;
  /** The shape (do not mutate). */
  readonly shape: readonly number[];
  private readonly numel: number;
  /** The version counter, shared with this tensor's views (see autograd/version.ts). */
  [COUNTER]: VersionCounter | null = null;
  /** The recorded nodes that alone hold this tensor (see autograd/release.ts); 0 if none. */
  [HOLDERS] = 0;

  constructor(data: NdArray<FloatArray>, requiresGrad = false) {
    // one array class for every tensor (a user's own ndarray view is re-made as one of core's)
    data = asArray(data);
    this.data = data;
    this.requiresGrad = requiresGrad;
    // the array's own shape, not a copy: every array has its own (array.ts copies it), and
    // nothing writes it (a copy per tensor took a tenth of a small op's time). Nor frozen:
    // V8 keeps frozen arrays on slow paths (Object.freeze ~30 ns, a slice of one ~150 ns
    // against 8), which made a tiny MLP's forward + backward 25 µs instead of 16. The op
    // table's tests check that no op writes its inputs' shapes.
    const shape = data.shape;
    this.shape = shape;
    this.numel = sizeOf(shape);
  }

  /**
   * The accumulated gradient of a leaf after `backward()`; null before. Assigning checks
   * what PyTorch checks: a Tensor (or null) of this tensor's shape.
   */
  get grad(): Tensor | null {
    return this.#grad;
  }
  set grad(g: Tensor | null) {
    if (g !== null) {
      if (!(g instanceof Tensor)) {
        throw new ValueError(
          'grad',
          `.grad must be a Tensor of shape ${fmtShape(this.shape)} or null, got ${describeValue(g)}`,
        );
      }
      if (!sameShape(g.shape, this.shape)) {
        throw new ShapeError(
          'grad',
          `.grad must have the tensor's shape ${fmtShape(this.shape)}, got one of shape ${fmtShape(g.shape)}`,
          [this.shape, g.shape],
        );
      }
    }
    this.#grad = g;
  }

  get dtype(): DType {
    return dtypeOf(this.data.data);
  }
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get size(): number {
    return this.numel;
  }
  /**
   * How many in-place writes this tensor's storage has had (PyTorch's `_version`), shared by
   * every view of it. Backward compares it with the version an op saw, to refuse a gradient
   * computed from values that were overwritten.
   */
  get version(): number {
    return versionOf(this);
  }
  /** A tensor the user created (not the output of a recorded op). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** The transpose of a 2-D tensor. */
  get T(): Tensor {
    if (this.ndim !== 2) {
      throw new ShapeError(
        'T',
        `.T needs a 2-D tensor, got shape ${fmtShape(this.shape)}; use transpose(x, d0, d1)`,
        [this.shape],
      );
    }
    return ops.transpose(this, 0, 1);
  }

  /**
   * Whether the strides are row-major, as in PyTorch: the values lie in order from
   * `data.offset`, which a view (a slice) may put past the start of a shared buffer.
   */
  isContiguous(): boolean {
    return isRowMajor(this.shape, this.data.stride);
  }

  /** The step in the storage between neighbours along each dim (PyTorch's `stride()`). */
  stride(): number[] {
    return this.data.stride.slice();
  }

  /** The index of the first element in the storage (PyTorch's `storage_offset()`). */
  storageOffset(): number {
    return this.data.offset;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new ValueError(
        'item',
        `only a tensor with one element can be converted to a number; got shape ${fmtShape(this.shape)}`,
      );
    }
    const d = this.data;
    return d.data[d.offset]!;
  }

  /** The values as a new contiguous typed array (row-major). */
  toTypedArray(): FloatArray {
    const t = this.contiguous();
    const d = t.data;
    const n = this.size;
    // a fresh contiguous copy is handed over when it owns its whole buffer (a small one is
    // a piece of a block shared with other tensors: copied, so the caller may transfer it)
    const own = d.data.length === n && d.data.byteLength === d.data.buffer.byteLength;
    if (t !== this && own) return d.data;
    return d.data.slice(d.offset, d.offset + n);
  }

  /** The values as nested arrays (a number for a scalar). */
  toArray(): NestedArray {
    const flat = this.toTypedArray();
    const shape = this.shape;
    if (shape.length === 0) return flat[0]!;
    let pos = 0;
    const build = (dim: number): NestedArray[] => {
      const out: NestedArray[] = new Array(shape[dim]!);
      for (let i = 0; i < shape[dim]!; i++)
        out[i] = dim === shape.length - 1 ? flat[pos++]! : build(dim + 1);
      return out;
    };
    return build(0);
  }

  /**
   * This tensor if it is contiguous and owns its whole buffer (from offset 0), otherwise a
   * contiguous copy (recorded like `clone`, so gradients flow through it).
   */
  contiguous(): Tensor {
    return ownsBuffer(this.data) ? this : ops.clone(this);
  }

  /** Backpropagate into the `.grad` of every leaf this tensor depends on. */
  backward(gradOutput?: Tensor, options?: BackwardOptions): void {
    backward(this, gradOutput, options);
  }

  /** The same values, cut from the graph (shares storage). */
  detach(): Tensor {
    const d = new Tensor(this.data, false);
    d[COUNTER] = counterOf(this);
    return d;
  }

  /** Set `requiresGrad` on a leaf; returns this. */
  requiresGrad_(flag = true): this {
    if (!flag && !this.isLeaf) {
      throw new ValueError(
        'requiresGrad_',
        'cannot turn off requiresGrad on a non-leaf tensor; use detach()',
      );
    }
    this.requiresGrad = flag;
    return this;
  }

  toString(): string {
    const values =
      this.size <= 64 ? formatValues(this.toArray(), this.dtype) : `… ${this.size} values`;
    return `Tensor(${values}, shape=${fmtShape(this.shape)}, dtype=${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }

  // In place (PyTorch's trailing underscore). Only on tensors that need no gradient, or
  // inside noGrad; each returns this.

  /** Copy `src`'s values into this tensor (broadcast to its shape, converted to its dtype). */
  copy_(src: Tensor): this {
    inplace.copy_(this, src);
    return this;
  }
  /**
   * Hold `src`'s storage instead (same shape, any dtype; shared, not copied): how a tensor
   * changes dtype and stays the same object. @example p.set_(p.detach().to('float64'))
   */
  set_(src: Tensor): this {
    inplace.set_(this, src);
    return this;
  }
  /** Set every element to `value`. */
  fill_(value: number): this {
    inplace.fill_(this, value);
    return this;
  }
  /** Set every element to 0. */
  zero_(): this {
    inplace.fill_(this, 0, 'zero_');
    return this;
  }
  /** `this += alpha · other` (other broadcast to this tensor's shape). */
  add_(other: Tensor | number, alpha = 1): this {
    inplace.add_(this, other, alpha);
    return this;
  }
  /** `this -= alpha · other`. */
  sub_(other: Tensor | number, alpha = 1): this {
    inplace.add_(this, other, -alpha, 'sub_');
    return this;
  }
  /** `this *= other`. */
  mul_(other: Tensor | number): this {
    inplace.mul_(this, other);
    return this;
  }
  /** `this /= other`. */
  div_(other: Tensor | number): this {
    inplace.div_(this, other);
    return this;
  }
  /** Clamp every element into `[min, max]` (either bound may be absent; NaN stays NaN). */
  clamp_(min?: number, max?: number): this {
    inplace.clamp_(this, min, max);
    return this;
  }
  /** Fill with normal samples N(mean, std²) drawn in order from `rng` (default: the seeded one). */
  normal_(mean = 0, std = 1, options: { rng?: Rng } = {}): this {
    inplace.normal_(this, mean, std, options.rng);
    return this;
  }
  /** Fill with uniform samples in [low, high) drawn in order from `rng`. */
  uniform_(low = 0, high = 1, options: { rng?: Rng } = {}): this {
    inplace.uniform_(this, low, high, options.rng);
    return this;
  }

  // Arithmetic
  add(other: Tensor | number): Tensor {
    return ops.add(this, other);
  }
  sub(other: Tensor | number): Tensor {
    return ops.sub(this, other);
  }
  mul(other: Tensor | number): Tensor {
    return ops.mul(this, other);
  }
  div(other: Tensor | number): Tensor {
    return ops.div(this, other);
  }
  pow(exponent: Tensor | number): Tensor {
    return ops.pow(this, exponent);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  maximum(other: Tensor | number): Tensor {
    return ops.maximum(this, other);
  }
  minimum(other: Tensor | number): Tensor {
    return ops.minimum(this, other);
  }
  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }

  // Unary math and activations
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  leakyRelu(negativeSlope = 0.01): Tensor {
    return ops.leakyRelu(this, negativeSlope);
  }

  // Reductions
  sum(dim?: number | readonly number[], keepdim = false): Tensor {
    return ops.sum(this, dim, keepdim);
  }
  mean(dim?: number | readonly number[], keepdim = false): Tensor {
    return ops.mean(this, dim, keepdim);
  }
  max(dim?: number | readonly number[], keepdim = false): Tensor {
    return ops.max(this, dim, keepdim);
  }
  logsumexp(dim: number | readonly number[], keepdim = false): Tensor {
    return ops.logsumexp(this, dim, keepdim);
  }
  softmax(dim: number): Tensor {
    return ops.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return ops.logSoftmax(this, dim);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return ops.argmax(this, dim, keepdim);
  }

  // Shape and indexing
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  transpose(d0 = -2, d1 = -1): Tensor {
    return ops.transpose(this, d0, d1);
  }
  squeeze(dim?: number): Tensor {
    return ops.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  }
  slice(dim: number, start: number, end?: number): Tensor {
    return ops.slice(this, dim, start, end);
  }
  gather(dim: number, index: Labels): Tensor {
    return ops.gather(this, dim, index);
  }
  indexSelect(dim: number, index: Labels): Tensor {
    return ops.indexSelect(this, dim, index);
  }
  clone(): Tensor {
    return ops.clone(this);
  }
  to(dtype: DType): Tensor {
    return dtype === this.dtype ? this : ops.cast(this, dtype);
  }

  // Comparisons (0/1 masks, not differentiable)
  gt(other: Tensor | number): Tensor {
    return ops.gt(this, other);
  }
  ge(other: Tensor | number): Tensor {
    return ops.ge(this, other);
  }
  lt(other: Tensor | number): Tensor {
    return ops.lt(this, other);
  }
  le(other: Tensor | number): Tensor {
    return ops.le(this, other);
  }
  eq(other: Tensor | number): Tensor {
    return ops.eq(this, other);
  }
}

provideTensorClass(Tensor);

/**
 * Nested values as `[[1,2],[3,4]]`: NaN and ±Infinity by name (JSON would print null),
 * float32 values in the fewest digits that read back the same (0.1, not 0.10000000149…).
 */
function formatValues(x: NestedArray, dtype: DType): string {
  if (typeof x !== 'number') return `[${x.map((v) => formatValues(v, dtype)).join(',')}]`;
  if (dtype === 'float32' && Number.isFinite(x)) {
    for (let p = 1; p <= 9; p++) {
      const short = Number(x.toPrecision(p));
      if (Math.fround(short) === x) return String(short);
    }
  }
  return String(x);
}

/** A 0-d tensor holding `value` (used for numbers given to ops). */
export function scalarTensor(value: number, dtype: DType): Tensor {
  const data = allocate(dtype, 1);
  data[0] = value;
  return new Tensor(makeArray(data, []));
}

/** A tensor over a new contiguous buffer. */
export function fromBuffer(
  data: FloatArray,
  shape: readonly number[],
  requiresGrad = false,
): Tensor {
  return new Tensor(makeArray(data, shape), requiresGrad);
}
