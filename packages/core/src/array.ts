// Arrays as ops see them: an ndarray (a strided view of a float32 or float64 buffer), made
// and copied here so that op code never depends on `ndarray` itself.
import ndarray, { type NdArray } from 'ndarray';
import { kernels } from './backend/registry.js';
import { allocate, type DType, dtypeOf, type FloatArray } from './dtype.js';
import { checkRank, contiguousStrides, isRowMajor, sizeOf } from './shape.js';

/** A strided view of a float32 or float64 buffer: what a Tensor holds, and what forward gets. */
export type Arr = NdArray<FloatArray>;

type Make = (
  data: FloatArray,
  shape: readonly number[],
  stride: readonly number[],
  offset: number,
) => Arr;

/** Per dtype (float32, float64) and rank, the maker of ndarray's own view class. */
const makers: [Make[], Make[]] = [[], []];

/**
 * ndarray's view class for this buffer type and rank, constructed directly: the `ndarray()`
 * factory finds the class from the buffer's type through `Object.prototype.toString` on every
 * call, which took a fifth of an op's time on small tensors. The objects are the same class
 * with the same fields (the class is taken from one `ndarray()` made once per rank).
 */
function makerFor(data: FloatArray, rank: number): Make {
  const table = makers[data instanceof Float64Array ? 1 : 0];
  let make = table[rank];
  if (make === undefined) {
    checkRank('tensor', rank); // ops check first, naming themselves; this is the last guard
    const View = ndarray(data, new Array<number>(rank).fill(0)).constructor;
    const dims = Array.from({ length: rank }, (_, i) => i);
    // ndarray's view classes take (data, shape…, stride…, offset); a 0-d one (data, offset)
    const args =
      rank === 0
        ? 'data, offset'
        : `data, ${dims.map((i) => `shape[${i}]`).join(', ')}, ${dims.map((i) => `stride[${i}]`).join(', ')}, offset`;
    make = new Function(
      'View',
      `'use strict'; return (data, shape, stride, offset) => new View(${args});`,
    )(View) as Make;
    table[rank] = make;
  }
  return make;
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
  return makerFor(data, shape.length)(data, shape, stride, offset);
}

/**
 * A new zero-filled contiguous array: what a forward writes its output into.
 *
 * @example
 * const out = emptyArray([n, m], 'float32');
 */
export function emptyArray(shape: readonly number[], dtype: DType): Arr {
  const data = allocate(dtype, sizeOf(shape));
  return makerFor(data, shape.length)(data, shape, contiguousStrides(shape), 0);
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
