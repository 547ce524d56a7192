// Dtypes: float32 (the default) and float64, their typed arrays, and promotion.
import { DTypeError, describeValue } from './errors.js';

export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64'];

export function checkDtype(op: string, dtype: unknown): DType {
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  throw new DTypeError(
    op,
    `unknown dtype ${typeof dtype === 'string' ? JSON.stringify(dtype) : describeValue(dtype)}; expected 'float32' or 'float64'`,
  );
}

export function dtypeOf(array: FloatArray): DType {
  return array instanceof Float64Array ? 'float64' : 'float32';
}

export function allocate(dtype: DType, size: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

/** Mixed inputs promote to float64, as the design says. */
export function promote(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}
