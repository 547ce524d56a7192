// Arrays as ops see them: an ndarray (a strided view of a float32 or float64 buffer), made
// and copied here so that op code never depends on `ndarray` itself.
import ndarray, { type NdArray } from 'ndarray';
import { kernels } from './backend/registry.js';
import { allocate, type DType, dtypeOf, type FloatArray } from './dtype.js';
import { checkRank, contiguousStrides, isRowMajor, MAX_RANK, sizeOf } from './shape.js';

/** A strided view of a float32 or float64 buffer: what a Tensor holds, and what forward gets. */
export type Arr = NdArray<FloatArray>;

/**
 * The one class of every array core makes, whatever its rank and dtype: an ndarray view
 * with ndarray's fields and methods. ndarray compiles a class per dtype and rank, so code
 * that reads arrays of several (every op's dispatch, the engine, the kernels' callers) saw
 * up to a dozen object layouts at each property read, and V8's inline caches went
 * megamorphic: a tiny MLP's forward + backward took 13.7–14.0 µs after float64 and rank-0…5
 * ops had run in the process, against 11.4–12.1 with one class (11.0–11.9 either way when
 * nothing else had run). Shape and stride are copied, as ndarray copies them.
 */
class View {
  data: FloatArray;
  shape: number[];
  stride: number[];
  offset: number;

  constructor(
    data: FloatArray,
    shape: readonly number[],
    stride: readonly number[],
    offset: number,
  ) {
    this.data = data;
    if (shape.length > MAX_RANK) checkRank('tensor', shape.length); // ops check first
    this.shape = copyDims(shape);
    this.stride = copyDims(stride);
    this.offset = offset | 0;
  }

  get dtype(): 'float32' | 'float64' {
    return this.data instanceof Float64Array ? 'float64' : 'float32';
  }

  get dimension(): number {
    return this.shape.length;
  }

  get size(): number {
    return sizeOf(this.shape);
  }

  /** The dims from the smallest stride to the largest (ndarray's `order`). */
  get order(): number[] {
    return this.native().order;
  }

  /**
   * The position in `data` of the element at the given indices. Ranks up to 4 take their
   * indices as parameters (get and set too), higher ones read `arguments`. A loop of get +
   * set on a [300,100] array: 3.5 ns an element inside a function, against 1.8–2.1 with
   * ndarray's per-rank classes and 11 with rest parameters; at a module's top level 12–13
   * against 2 (V8 does not inline a method that reads `arguments` there).
   */
  index(i0?: number, i1?: number, i2?: number, i3?: number): number;
  index(...i: number[]): number;
  index(i0?: number, i1?: number, i2?: number, i3?: number): number {
    const st = this.stride;
    switch (st.length) {
      case 0:
        return this.offset;
      case 1:
        return this.offset + st[0]! * i0!;
      case 2:
        return this.offset + st[0]! * i0! + st[1]! * i1!;
      case 3:
        return this.offset + st[0]! * i0! + st[1]! * i1! + st[2]! * i2!;
      case 4:
        return this.offset + st[0]! * i0! + st[1]! * i1! + st[2]! * i2! + st[3]! * i3!;
      default: {
        let at = this.offset;
        // biome-ignore lint/complexity/noArguments: ranks above 4 read their indices from the call
        for (let k = 0; k < st.length; k++) at += st[k]! * (arguments[k] as number);
        return at;
      }
    }
  }

  get(i0?: number, i1?: number, i2?: number, i3?: number): number;
  get(...i: number[]): number;
  get(i0?: number, i1?: number, i2?: number, i3?: number): number {
    if (this.stride.length <= 4) return this.data[this.index(i0, i1, i2, i3)]!;
    // biome-ignore lint/complexity/noArguments: ranks above 4 pass every index on
    return this.data[this.index(...(arguments as unknown as number[]))]!;
  }

  /** `set(i0, …, value)`: the value comes after one index per dim, as in ndarray. */
  set(i0?: number, i1?: number, i2?: number, i3?: number, i4?: number): number;
  set(...i: number[]): number;
  set(i0?: number, i1?: number, i2?: number, i3?: number, i4?: number): number {
    const d = this.stride.length;
    let v: number;
    switch (d) {
      case 0:
        v = i0!;
        break;
      case 1:
        v = i1!;
        break;
      case 2:
        v = i2!;
        break;
      case 3:
        v = i3!;
        break;
      case 4:
        v = i4!;
        break;
      default:
        // biome-ignore lint/complexity/noArguments: ranks above 4 read the value from the call
        v = arguments[d] as number;
        // biome-ignore lint/complexity/noArguments: and pass every index on
        this.data[this.index(...(arguments as unknown as number[]))] = v;
        return v;
    }
    this.data[this.index(i0, i1, i2, i3)] = v;
    return v;
  }

  lo(...i: number[]): Arr {
    return fromNative(this.native().lo(...i));
  }

  hi(...i: number[]): Arr {
    return fromNative(this.native().hi(...i));
  }

  step(...i: number[]): Arr {
    return fromNative(this.native().step(...i));
  }

  transpose(...i: number[]): Arr {
    return fromNative(this.native().transpose(...i));
  }

  pick(...i: (number | null)[]): Arr {
    return fromNative(this.native().pick(...i));
  }

  /** The dims reversed (ndarray's types promise it; its views lack it). */
  get T(): Arr {
    return this.transpose(...this.shape.map((_, d) => this.shape.length - 1 - d));
  }

  /**
   * The same view as one of ndarray's own (its methods other than get and set run on it).
   * ndarray's views copy the shape and stride values they are made with.
   */
  private native(): NdArray<FloatArray> {
    return ndarray(this.data, this.shape, this.stride, this.offset);
  }
}

/** A copy of a shape or stride list; literals up to rank 4 (faster than `slice`, and packed). */
function copyDims(a: readonly number[]): number[] {
  switch (a.length) {
    case 0:
      return [];
    case 1:
      return [a[0]!];
    case 2:
      return [a[0]!, a[1]!];
    case 3:
      return [a[0]!, a[1]!, a[2]!];
    case 4:
      return [a[0]!, a[1]!, a[2]!, a[3]!];
    default:
      return a.slice();
  }
}

/** An ndarray view of ndarray's own classes (or ours) as one of ours, over the same data. */
function fromNative(x: NdArray<FloatArray>): Arr {
  // a 0-d view of ndarray's keeps no offset of its own when picked down to nothing
  return new View(x.data, x.shape, x.stride, x.offset ?? 0) as Arr;
}

/**
 * x itself if core made it, else the same view (same storage) as one of core's: what a
 * Tensor holds whatever a user's forward or `new Tensor(...)` passes.
 */
export function asArray(x: NdArray<FloatArray>): Arr {
  return x instanceof View ? x : fromNative(x);
}

/**
 * An array over `data` with `shape` (row-major strides unless given).
 *
 * @example
 * makeArray(new Float64Array([1, 2, 3, 4]), [2, 2]); // [[1, 2], [3, 4]]
 */
export function makeArray(
  data: FloatArray,
  shape: readonly number[],
  stride: readonly number[] = contiguousStrides(shape),
  offset = 0,
): Arr {
  return new View(data, shape, stride, offset) as Arr;
}

/**
 * A new zero-filled contiguous array: what a forward writes its output into.
 *
 * @example
 * const out = emptyArray([n, m], 'float32');
 */
export function emptyArray(shape: readonly number[], dtype: DType): Arr {
  return new View(allocate(dtype, sizeOf(shape)), shape, contiguousStrides(shape), 0) as Arr;
}

/**
 * A new contiguous array whose values are unspecified, for a forward whose kernel writes every
 * one of them (a product, an elementwise map): it skips emptyArray's zero-fill where that
 * costs (see `allocate`).
 */
export function uninitializedArray(shape: readonly number[], dtype: DType): Arr {
  return makeArray(allocate(dtype, sizeOf(shape), false), shape);
}

/** The dtype of an array's buffer. @example arrayDtype(x) // 'float32' */
export function arrayDtype(x: { readonly data: FloatArray }): DType {
  return dtypeOf(x.data);
}

/**
 * A copy of x's values in a new contiguous array, as `dtype` (x's own by default).
 *
 * @example copyArray(x.T) // x transposed, row-major
 */
export function copyArray(x: Arr, dtype: DType = dtypeOf(x.data)): Arr {
  const out = emptyArray(x.shape, dtype);
  kernels().copy(x, out);
  return out;
}

/**
 * x's values in row-major order: x itself when its strides already are (from any offset),
 * otherwise a contiguous copy.
 */
export function contiguousArray(x: Arr): Arr {
  return isRowMajor(x.shape, x.stride) ? x : copyArray(x);
}

/** x's values as `dtype` (x itself when it already has it). */
export function castArray(x: Arr, dtype: DType): Arr {
  return dtypeOf(x.data) === dtype ? x : copyArray(x, dtype);
}

/** A 0-d array holding `value`. @example scalarArray(0.5, 'float64') */
export function scalarArray(value: number, dtype: DType): Arr {
  const data = allocate(dtype, 1);
  data[0] = value;
  return makeArray(data, []);
}
