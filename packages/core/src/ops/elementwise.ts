// Shared plumbing of elementwise ops: broadcast the inputs, promote the dtype, run a
// compiled kernel, wrap the result as an ndarray.
import ndarray, { type NdArray } from 'ndarray';
import { type DType, dtypeOf, type FloatArray, promote } from '../dtype.js';
import type { MapKernel } from '../kernels/elementwise.js';
import { broadcastShapes } from '../shape.js';
import type { Tensor } from '../tensor.js';

export type Arr = NdArray<FloatArray>;

/** The broadcast shape of the inputs, or a ShapeError naming `op` and the shapes. */
export function broadcastAll(op: string, xs: readonly { shape: readonly number[] }[]): number[] {
  let shape: number[] = [];
  for (const x of xs) shape = broadcastShapes(op, shape, x.shape);
  return shape;
}

export function promoteAll(xs: readonly Arr[]): DType {
  let dt: DType = 'float32';
  for (const x of xs) dt = promote(dt, dtypeOf(x.data));
  return dt;
}

/** Apply a compiled kernel to broadcast inputs; the output has the promoted dtype. */
export function mapArrays(
  op: string,
  kernel: MapKernel,
  xs: readonly Arr[],
  params?: readonly number[],
  dtype?: DType,
): Arr {
  const shape = xs.length === 1 ? xs[0]!.shape.slice() : broadcastAll(op, xs);
  return ndarray(kernel(shape, dtype ?? promoteAll(xs), xs, params), shape);
}

/** Check that tensor inputs broadcast (before forward), so the error names the op. */
export function checkBroadcast(op: string) {
  return (inputs: readonly Tensor[]): void => {
    broadcastAll(op, inputs);
  };
}
