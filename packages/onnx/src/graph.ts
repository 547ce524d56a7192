// The ONNX graph an export builds: nodes, initializers and value names, encoded with the
// ONNX protobuf schema of the `onnx-proto` package (protobufjs). Export rules (rules.ts) add
// nodes through `ExportContext`; `exportOnnx` (export.ts) walks the traced ops.
import type { DType, Tensor } from '@tapegrad/core';
import proto from 'onnx-proto';

// a CommonJS module: its namespace is its default export in Node's ESM
export const { onnx } = proto;

import type { onnx as P } from 'onnx-proto';

/** ONNX element types of tapegrad's dtypes and of the index tensors the rules make. */
export const ELEM = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
} as const;

/** An attribute value: a whole number, a float, a list of whole numbers, or a string. */
export type AttrValue = number | { float: number } | readonly number[] | string;

/** What an export rule sees of the op it maps and of the graph it adds to. */
export interface ExportContext {
  /** The ONNX opset the model is written for. */
  readonly opset: number;
  /** The op's inputs (tensors) and output, as traced. */
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** The op's attributes, as traced. */
  readonly attrs: unknown;
  /** The name of the graph value holding input i (cast to `dtype` if given and different). */
  input(i: number, dtype?: DType): string;
  /** The name of the graph value holding the op's output. */
  readonly outputName: string;
  /** A fresh value name for an intermediate result. */
  temp(hint: string): string;
  /** Adds a node; returns its first output's name. */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attrs?: Record<string, AttrValue>,
  ): string;
  /** An int64 constant (shapes, axes) as an initializer; returns its name. */
  int64s(values: readonly number[], hint: string): string;
  /**
   * With `dynamicBatch`, whether the attribute `key` (element `index` of it when it is a
   * list) follows the batch size: the model is traced at two batch sizes, and this is where
   * the two traces' attributes differ. False without `dynamicBatch`.
   */
  batchDependent(key: string, index?: number): boolean;
}

/** Encodes an attribute by the shape of its value. */
export function attribute(name: string, v: AttrValue): P.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === 'number') return { name, type: T.INT, i: v };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v as number[] };
  return { name, type: T.FLOAT, f: (v as { float: number }).float };
}

/** The little-endian bytes of a typed array (a copy, aligned). */
export function rawBytes(values: Float32Array | Float64Array | BigInt64Array): Uint8Array {
  const copy = values.slice();
  return new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
}

/** A value's type for a graph input or output; the dims marked symbolic are `batch`. */
export function valueInfo(
  name: string,
  dtype: DType,
  shape: readonly number[],
  symbolic: readonly boolean[],
): P.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[dtype],
        shape: {
          dim: shape.map((n, i) => (symbolic[i] ? { dimParam: 'batch' } : { dimValue: n })),
        },
      },
    },
  };
}
