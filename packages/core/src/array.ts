// Arrays as ops see them: an ndarray (a strided view of a float32 or float64 buffer), made
// and copied here so that op code never depends on `ndarray` itself.
import ndarray, { type NdArray } from 'ndarray';
import { kernels } from './backend/registry.js';
import { allocate, type DType, dtypeOf, type FloatArray } from './dtype.js';
import { contiguousStrides, isRowMajor, sizeOf } from './shape.js';

/** A strided view of a float32 or float64 buffer: what a Tensor holds, and what forward gets. */
export type Arr = NdArray<FloatArray>;

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
  return ndarray(data, shape.slice(), stride.slice(), offset);
}

/**
 * A new zero-filled contiguous array: what a forward writes its output into.
 *
 * @example
 * const out = emptyArray([n, m], 'float32');
 */
export function emptyArray(shape: readonly number[], dtype: DType): Arr {
  return makeArray(allocate(dtype, sizeOf(shape)), shape);
}

/** The dtype of an array's buffer. @example arrayDtype(x) // 'float32' */
export function arrayDtype(x: { readonly data: FloatArray }): DType {
  return dtypeOf(x.data);
}

/**
 * x's values in row-major order: x itself when its strides already are (from any offset),
 * otherwise a contiguous copy.
 */
export function contiguousArray(x: Arr): Arr {
  if (isRowMajor(x.shape, x.stride)) return x;
  const out = emptyArray(x.shape, dtypeOf(x.data));
  kernels().copy(x, out);
  return out;
}

/** x's values as `dtype` (x itself when it already has it). */
export function castArray(x: Arr, dtype: DType): Arr {
  if (dtypeOf(x.data) === dtype) return x;
  const out = emptyArray(x.shape, dtype);
  kernels().copy(x, out);
  return out;
}

/** A 0-d array holding `value`. @example scalarArray(0.5, 'float64') */
export function scalarArray(value: number, dtype: DType): Arr {
  const data = allocate(dtype, 1);
  data[0] = value;
  return makeArray(data, []);
}
