// exportOnnx: a model's forward pass, traced op by op on tapegrad's tape machinery, as an
// ONNX model. Every op application between the inputs and the output becomes ONNX nodes by
// its export rule (rules.ts); the model's parameters become initializers under their
// `namedParameters()` names, other constants initializers of their own.
import { concat, type DType, isGradEnabled, noGrad, Tensor, ValueError } from '@tapegrad/core';
import { checkOptions, type TracedOp, traceOps } from '@tapegrad/core/op-kit';
import { Module } from '@tapegrad/nn';
import type { onnx as P } from 'onnx-proto';
import {
  type AttrValue,
  attribute,
  ELEM,
  type ExportContext,
  onnx,
  rawBytes,
  valueInfo,
} from './graph.js';
import { exportableOps, exportRule } from './rules.js';

/** Options of {@link exportOnnx}. */
export interface ExportOnnxOptions {
  /** The ONNX opset (default 17; 13 … 21). */
  readonly opset?: number;
  /** Names of the graph inputs (default `input`, or `input0`, `input1`, … for several). */
  readonly inputNames?: readonly string[];
  /** Name of the graph output (default `output`). */
  readonly outputNames?: readonly string[];
  /**
   * Make dim 0 of every input and of the output a symbolic `batch` (default false): the
   * model then runs at any batch size. The model is traced at two batch sizes to find the
   * attributes that follow it (a reshape's batch dim becomes -1).
   */
  readonly dynamicBatch?: boolean;
}

const OPTION_KEYS = ['opset', 'inputNames', 'outputNames', 'dynamicBatch'] as const;
const MIN_OPSET = 13;
const MAX_OPSET = 21;

/** The IR version an opset needs (ONNX's versioning table). */
function irVersionFor(opset: number): number {
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

/** A whole number as int64; 2⁶³ and up (a slice's "to the end") is the largest int64. */
const int64 = (v: number): bigint => (v >= 2 ** 63 ? 0x7fffffffffffffffn : BigInt(v));

/** A forward pass: a module's, or a function of the inputs. */
type Model = Module | ((...inputs: Tensor[]) => Tensor);

/** One trace of the forward pass: its ops in order, its inputs and its output. */
interface Trace {
  readonly ops: TracedOp[];
  readonly inputs: Tensor[];
  readonly output: Tensor;
}

function trace(model: Model, samples: readonly Tensor[]): Trace {
  // inputs that require grad make every op depending on them recorded with its inputs
  const inputs = samples.map((s) => noGrad(() => s.detach().clone()).requiresGrad_(true));
  const ops: TracedOp[] = [];
  const output = traceOps(
    () => (model instanceof Module ? model.forward(inputs[0]!) : model(...inputs)),
    (op) => ops.push(op),
  );
  if (!(output instanceof Tensor)) {
    throw new ValueError(
      'exportOnnx',
      `the model's forward must return a Tensor, got ${output === null ? 'null' : typeof output}`,
    );
  }
  return { ops, inputs, output };
}

/** The same inputs with one more row (the first one repeated): a second batch size. */
function oneMoreRow(samples: readonly Tensor[]): Tensor[] {
  return samples.map((s) => noGrad(() => concat([s.detach(), s.detach().slice(0, 0, 1)], 0)));
}

/** Where the attributes of two traces of the same op differ (key, or key[i]). */
function differingAttrs(a: unknown, b: unknown): Set<string> {
  const out = new Set<string>();
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return out;
  for (const key of Object.keys(a)) {
    const x = (a as Record<string, unknown>)[key];
    const y = (b as Record<string, unknown>)[key];
    if (Array.isArray(x) && Array.isArray(y)) {
      x.forEach((v, i) => {
        if (v !== y[i]) out.add(`${key}[${i}]`);
      });
    } else if (x !== y) out.add(key);
  }
  return out;
}

/**
 * The ONNX model of `model`'s forward pass on inputs like `sampleInput`, as protobuf bytes
 * (write them with `saveOnnx` from '@tapegrad/onnx/node', or run them in ONNX Runtime).
 * The model is traced once on the sample in evaluation mode (dropout off), as PyTorch's
 * exporter does; its parameters become initializers named as in `namedParameters()`.
 * An op without an export rule (a `defineOp` op of your own: see `registerOnnxExport`) is
 * a ValueError naming it.
 *
 * @example
 * const bytes = exportOnnx(model, randn([1, 784]), { dynamicBatch: true });
 */
export function exportOnnx(
  model: Model,
  sampleInput: Tensor | readonly Tensor[],
  options: ExportOnnxOptions = {},
): Uint8Array {
  const op = 'exportOnnx';
  checkOptions(op, options, OPTION_KEYS);
  const { opset = 17, dynamicBatch = false } = options;
  if (!(model instanceof Module) && typeof model !== 'function') {
    throw new ValueError(
      op,
      `model must be a Module or a function of tensors, got ${model === null ? 'null' : typeof model}`,
    );
  }
  if (!Number.isSafeInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new ValueError(
      op,
      `opset must be a whole number in [${MIN_OPSET}, ${MAX_OPSET}], got ${String(opset)}`,
    );
  }
  if (typeof dynamicBatch !== 'boolean') {
    throw new ValueError(op, `options.dynamicBatch must be a boolean, got ${typeof dynamicBatch}`);
  }
  const samples = sampleInput instanceof Tensor ? [sampleInput] : [...(sampleInput ?? [])];
  if (samples.length === 0 || !samples.every((s) => s instanceof Tensor)) {
    throw new ValueError(op, 'sampleInput must be a Tensor or a non-empty array of Tensors');
  }
  if (model instanceof Module && samples.length !== 1) {
    throw new ValueError(
      op,
      `a Module's forward takes one input, got ${samples.length} sample inputs`,
    );
  }
  if (dynamicBatch && samples.some((s) => s.ndim === 0)) {
    throw new ValueError(
      op,
      'dynamicBatch needs inputs with a batch dim (dim 0); a sample input is a scalar',
    );
  }
  const inputNames = names(op, 'inputNames', options.inputNames, samples.length, 'input');
  const [outputName] = names(op, 'outputNames', options.outputNames, 1, 'output');
  if (!isGradEnabled()) {
    throw new ValueError(op, 'tracing records ops on the tape: call exportOnnx outside noGrad()');
  }

  const wasTraining = model instanceof Module ? model.training : false;
  if (model instanceof Module) model.eval();
  let first: Trace;
  let second: Trace | null = null;
  try {
    first = trace(model, samples);
    if (dynamicBatch) second = trace(model, oneMoreRow(samples));
  } finally {
    if (model instanceof Module) model.train(wasTraining);
  }
  return build(model, first, second, { opset, inputNames, outputName: outputName! });
}

function names(
  op: string,
  key: string,
  given: readonly string[] | undefined,
  count: number,
  base: string,
): string[] {
  if (given === undefined)
    return count === 1 ? [base] : Array.from({ length: count }, (_, i) => `${base}${i}`);
  if (
    !Array.isArray(given) ||
    given.length !== count ||
    !given.every((n) => typeof n === 'string' && n !== '') ||
    new Set(given).size !== count
  ) {
    throw new ValueError(
      op,
      `options.${key} must be ${count} distinct non-empty string(s), got ${JSON.stringify(given)}`,
    );
  }
  return [...given];
}

/**
 * A constant of a dynamic-batch export must be the same at the second batch size; one that
 * is not was computed from the batch size (a mean over the batch divides by it).
 */
function checkConstant(
  opName: string,
  index: number,
  position: number,
  a: Tensor,
  b: Tensor | undefined,
): void {
  const sameValues = (x: Tensor, y: Tensor): boolean => {
    // each toTypedArray() is a copy: read both once
    const u = y.toTypedArray();
    return x.toTypedArray().every((v, i) => Object.is(v, u[i]));
  };
  const same =
    b !== undefined &&
    a.shape.length === b.shape.length &&
    a.shape.every((n, i) => n === b.shape[i]) &&
    sameValues(a, b);
  if (!same) {
    const show = (t: Tensor | undefined) =>
      t === undefined
        ? 'nothing'
        : t.size === 1
          ? String(t.toTypedArray()[0])
          : `shape [${t.shape.join(',')}]`;
    throw new ValueError(
      'exportOnnx',
      `input ${position} of '${opName}' (op #${index}) is a constant that changes with the batch size (${show(a)}, then ${show(b)} with one more row), such as the divisor of a mean over the batch; export with dynamicBatch: false`,
    );
  }
}

interface BuildOptions {
  readonly opset: number;
  readonly inputNames: readonly string[];
  readonly outputName: string;
}

function build(model: Model, first: Trace, second: Trace | null, o: BuildOptions): Uint8Array {
  const op = 'exportOnnx';
  // the application that made each tensor
  const producer = new Map<Tensor, number>();
  for (const [i, t] of first.ops.entries()) producer.set(t.output, i);
  // the ops the output depends on
  const needed = new Set<number>();
  const stack = [first.output];
  const seen = new Set<Tensor>();
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    const i = producer.get(t);
    if (i === undefined) continue;
    needed.add(i);
    stack.push(...first.ops[i]!.inputs);
  }
  if (second !== null) {
    const same =
      second.ops.length === first.ops.length &&
      second.ops.every((t, i) => t.def.name === first.ops[i]!.def.name);
    if (!same) {
      throw new ValueError(
        op,
        'the forward pass runs different ops at another batch size; export with dynamicBatch: false',
      );
    }
  }

  const params = new Map<Tensor, string>();
  if (model instanceof Module) for (const [name, p] of model.namedParameters()) params.set(p, name);

  const nodes: P.INodeProto[] = [];
  const initializers: P.ITensorProto[] = [];
  const valueNames = new Map<Tensor, string>();
  const used = new Set<string>([...o.inputNames, o.outputName, ...params.values()]);
  const fresh = (hint: string): string => {
    let name = hint;
    for (let k = 1; used.has(name); k++) name = `${hint}_${k}`;
    used.add(name);
    return name;
  };
  for (const [i, t] of first.inputs.entries()) valueNames.set(t, o.inputNames[i]!);

  const tensorProto = (t: Tensor, name: string): P.ITensorProto => ({
    name,
    dims: [...t.shape],
    dataType: ELEM[t.dtype],
    rawData: rawBytes(t.contiguous().toTypedArray() as Float32Array | Float64Array),
  });
  const nameOf = (t: Tensor): string => {
    const known = valueNames.get(t);
    if (known !== undefined) return known;
    // a leaf: a parameter (an initializer: what a model learns), or a constant made outside
    // the traced ops (a Constant node, so that an importer does not take it for a parameter)
    const param = params.get(t);
    let name: string;
    if (param !== undefined) {
      name = param;
      initializers.push(tensorProto(t, name));
    } else {
      name = fresh('const');
      nodes.push({
        name,
        opType: 'Constant',
        output: [name],
        attribute: [
          {
            name: 'value',
            type: onnx.AttributeProto.AttributeType.TENSOR,
            t: tensorProto(t, name),
          },
        ],
      });
    }
    valueNames.set(t, name);
    return name;
  };
  const casts = new Map<string, string>();

  const order = [...needed].sort((a, b) => a - b);
  order.forEach((index, k) => {
    const t = first.ops[index]!;
    const rule = exportRule(t.def.name);
    if (rule === undefined) {
      throw new ValueError(
        op,
        `op '${t.def.name}' has no ONNX export rule (output shape [${t.output.shape.join(',')}]); register one with registerOnnxExport('${t.def.name}', rule). Ops with rules: ${exportableOps().join(', ')}`,
      );
    }
    const differing =
      second === null ? new Set<string>() : differingAttrs(t.attrs, second.ops[index]!.attrs);
    const isLast = k === order.length - 1;
    const outputName = isLast ? o.outputName : fresh(`${t.def.name}_${index}`);
    const ctx: ExportContext = {
      opset: o.opset,
      inputs: t.inputs,
      output: t.output,
      attrs: t.attrs,
      outputName,
      input(i: number, dtype?: DType) {
        const x = t.inputs[i];
        if (x === undefined) {
          throw new ValueError(
            op,
            `the '${t.def.name}' rule asked for input ${i} of ${t.inputs.length}`,
          );
        }
        if (second !== null && !valueNames.has(x) && !params.has(x)) {
          checkConstant(t.def.name, index, i, x, second.ops[index]!.inputs[i]);
        }
        const name = nameOf(x);
        if (dtype === undefined || dtype === x.dtype) return name;
        const key = `${name}->${dtype}`;
        let cast = casts.get(key);
        if (cast === undefined) {
          cast = fresh(`${name}_${dtype}`);
          nodes.push({
            opType: 'Cast',
            input: [name],
            output: [cast],
            attribute: [attribute('to', ELEM[dtype])],
            name: cast,
          });
          casts.set(key, cast);
        }
        return cast;
      },
      temp: (hint) => fresh(`${t.def.name}_${index}_${hint}`),
      node(opType, inputs, outputs, attrs: Record<string, AttrValue> = {}) {
        nodes.push({
          name: fresh(`${opType}_${nodes.length}`),
          opType,
          input: [...inputs],
          output: [...outputs],
          attribute: Object.entries(attrs).map(([k2, v]) => attribute(k2, v)),
        });
        return outputs[0]!;
      },
      int64s(values, hint) {
        const name = fresh(`${t.def.name}_${index}_${hint}`);
        initializers.push({
          name,
          dims: [values.length],
          dataType: ELEM.int64,
          rawData: rawBytes(BigInt64Array.from(values, int64)),
        });
        return name;
      },
      batchDependent: (key, i) => differing.has(i === undefined ? key : `${key}[${i}]`),
    };
    rule(ctx);
    valueNames.set(t.output, outputName);
  });

  const out = first.output;
  if (order.length === 0 || valueNames.get(out) !== o.outputName) {
    // the output is an input or a constant: pass it through by name
    nodes.push({
      name: fresh('Identity'),
      opType: 'Identity',
      input: [nameOf(out)],
      output: [o.outputName],
    });
  }
  // dims that differ between the two traces follow the batch size
  const symbolic = (a: Tensor, b: Tensor | undefined): boolean[] =>
    a.shape.map((n, i) => b !== undefined && b.shape[i] !== n);
  const model_: P.IModelProto = {
    irVersion: irVersionFor(o.opset),
    producerName: 'tapegrad',
    producerVersion: '0.1.0',
    opsetImport: [{ domain: '', version: o.opset }],
    graph: {
      name: 'tapegrad',
      node: nodes,
      initializer: initializers,
      input: first.inputs.map((t, i) =>
        valueInfo(o.inputNames[i]!, t.dtype, t.shape, symbolic(t, second?.inputs[i])),
      ),
      output: [valueInfo(o.outputName, out.dtype, out.shape, symbolic(out, second?.output))],
    },
  };
  return onnx.ModelProto.encode(model_).finish();
}
