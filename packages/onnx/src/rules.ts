// Export rules: how each tapegrad op becomes ONNX nodes. One rule per op name; op authors
// add theirs with `registerOnnxExport`. A rule reads the traced op (inputs, output, attrs)
// and adds nodes through the context (graph.ts).
import { ValueError } from '@tapegrad/core';
import { ELEM, type ExportContext } from './graph.js';

/** Maps one traced application of an op to ONNX nodes writing `ctx.outputName`. */
export type ExportRule = (ctx: ExportContext) => void;

/** The largest int64: a slice `end` meaning "to the end, whatever the size". */
const TO_END = 2 ** 63 - 1;

/** An op whose inputs and output all have the output's dtype, mapped one to one. */
const same =
  (opType: string): ExportRule =>
  (ctx) => {
    const dtype = ctx.output.dtype;
    ctx.node(
      opType,
      ctx.inputs.map((_, i) => ctx.input(i, dtype)),
      [ctx.outputName],
    );
  };

/** A comparison: ONNX gives booleans, tapegrad 0/1 in the inputs' dtype. */
const compare =
  (opType: string): ExportRule =>
  (ctx) => {
    const dtype = ctx.output.dtype;
    const b = ctx.node(opType, [ctx.input(0, dtype), ctx.input(1, dtype)], [ctx.temp(opType)]);
    ctx.node('Cast', [b], [ctx.outputName], { to: ELEM[dtype] });
  };

interface ReduceAttrs {
  readonly dims: readonly number[];
  readonly keepdim: boolean;
}

/**
 * A reduction over dims. Since opset 13 ReduceSum takes its axes as an input; the other
 * reductions followed in opset 18.
 */
const reduce =
  (opType: string, axesInputFrom: number): ExportRule =>
  (ctx) => {
    const { dims, keepdim } = ctx.attrs as ReduceAttrs;
    const axes = dims.length === 0 ? ctx.inputs[0]!.shape.map((_, i) => i) : [...dims];
    const x = ctx.input(0, ctx.output.dtype);
    if (ctx.opset >= axesInputFrom) {
      ctx.node(opType, [x, ctx.int64s(axes, 'axes')], [ctx.outputName], {
        keepdims: keepdim ? 1 : 0,
      });
    } else {
      ctx.node(opType, [x], [ctx.outputName], { axes, keepdims: keepdim ? 1 : 0 });
    }
  };

/** A shape attribute as ONNX Reshape's shape input: a batch-sized dim becomes -1. */
function reshapeTarget(ctx: ExportContext): number[] {
  const { shape } = ctx.attrs as { shape: readonly number[] };
  const target = [...shape];
  const dynamic = target.map((_, i) => ctx.batchDependent('shape', i));
  const count = dynamic.filter(Boolean).length;
  if (count > 1) {
    throw new ValueError(
      'exportOnnx',
      `reshape to [${shape.join(',')}]: ${count} dims follow the batch size; ONNX Reshape can infer one (-1). Export with dynamicBatch: false`,
    );
  }
  if (count === 1) target[dynamic.indexOf(true)] = -1;
  return target;
}

/**
 * x·Wᵀ (+ b) into `out`: Gemm for a matrix x (what PyTorch writes for nn.Linear), else
 * MatMul (and Add); returns `out`.
 */
function linearNodes(ctx: ExportContext, out: string): string {
  const dtype = ctx.output.dtype;
  const inputs = ctx.inputs.map((_, i) => ctx.input(i, dtype));
  if (ctx.inputs[0]!.ndim === 2) return ctx.node('Gemm', inputs, [out], { transB: 1 });
  const wT = ctx.node('Transpose', [inputs[1]!], [ctx.temp('wT')], { perm: [1, 0] });
  if (inputs.length === 2) return ctx.node('MatMul', [inputs[0]!, wT], [out]);
  const y = ctx.node('MatMul', [inputs[0]!, wT], [ctx.temp('product')]);
  return ctx.node('Add', [y, inputs[2]!], [out]);
}

const rules = new Map<string, ExportRule>([
  ['add', same('Add')],
  ['sub', same('Sub')],
  ['mul', same('Mul')],
  ['div', same('Div')],
  ['pow', same('Pow')],
  ['maximum', same('Max')],
  ['minimum', same('Min')],
  ['neg', same('Neg')],
  ['abs', same('Abs')],
  ['sign', same('Sign')],
  ['exp', same('Exp')],
  ['log', same('Log')],
  ['sqrt', same('Sqrt')],
  ['tanh', same('Tanh')],
  ['sigmoid', same('Sigmoid')],
  ['relu', same('Relu')],
  ['matmul', same('MatMul')],
  ['linear', (ctx) => linearNodes(ctx, ctx.outputName)],
  // relu(x·Wᵀ + b), one tapegrad op (nn's Sequential fuses Linear, ReLU): the two nodes
  // PyTorch writes for them
  [
    'linearRelu',
    (ctx) => ctx.node('Relu', [linearNodes(ctx, ctx.temp('linear'))], [ctx.outputName]),
  ],
  ['clone', same('Identity')],
  ['gt', compare('Greater')],
  ['ge', compare('GreaterOrEqual')],
  ['lt', compare('Less')],
  ['le', compare('LessOrEqual')],
  ['eq', compare('Equal')],
  [
    'leakyRelu',
    (ctx) => {
      const { negativeSlope } = ctx.attrs as { negativeSlope: number };
      ctx.node('LeakyRelu', [ctx.input(0)], [ctx.outputName], { alpha: { float: negativeSlope } });
    },
  ],
  [
    'where',
    (ctx) => {
      const dtype = ctx.output.dtype;
      // tapegrad's condition is a number: non-zero is true
      const cond = ctx.node('Cast', [ctx.input(0)], [ctx.temp('cond')], { to: ELEM.bool });
      ctx.node('Where', [cond, ctx.input(1, dtype), ctx.input(2, dtype)], [ctx.outputName]);
    },
  ],
  [
    'transpose',
    (ctx) => {
      const { d0, d1 } = ctx.attrs as { d0: number; d1: number };
      const perm = ctx.output.shape.map((_, i) => i);
      perm[d0] = d1;
      perm[d1] = d0;
      ctx.node('Transpose', [ctx.input(0)], [ctx.outputName], { perm });
    },
  ],
  [
    'reshape',
    (ctx) => {
      const shape = ctx.int64s(reshapeTarget(ctx), 'shape');
      ctx.node('Reshape', [ctx.input(0), shape], [ctx.outputName]);
    },
  ],
  [
    'expand',
    (ctx) => {
      const { shape } = ctx.attrs as { shape: readonly number[] };
      const x = ctx.inputs[0]!;
      const offset = shape.length - x.ndim;
      // a dim that follows the batch size is kept from the input (Expand broadcasts: 1 keeps it)
      const target = shape.map((n, i) => {
        if (!ctx.batchDependent('shape', i)) return n;
        if (i < offset || x.shape[i - offset] === 1) {
          throw new ValueError(
            'exportOnnx',
            `expand to [${shape.join(',')}]: dim ${i} follows the batch size but the input (shape [${x.shape.join(',')}]) does not have it; export with dynamicBatch: false`,
          );
        }
        return 1;
      });
      ctx.node('Expand', [ctx.input(0), ctx.int64s(target, 'shape')], [ctx.outputName]);
    },
  ],
  [
    'slice',
    (ctx) => {
      const { dim, start, end } = ctx.attrs as { dim: number; start: number; end: number };
      const size = ctx.inputs[0]!.shape[dim]!;
      const last = end >= size ? TO_END : end;
      if (ctx.batchDependent('start') || (ctx.batchDependent('end') && end < size)) {
        throw new ValueError(
          'exportOnnx',
          `slice of dim ${dim} [${start}, ${end}) depends on the batch size; export with dynamicBatch: false`,
        );
      }
      ctx.node(
        'Slice',
        [
          ctx.input(0),
          ctx.int64s([start], 'starts'),
          ctx.int64s([last], 'ends'),
          ctx.int64s([dim], 'axes'),
        ],
        [ctx.outputName],
      );
    },
  ],
  [
    'concat',
    (ctx) => {
      const { dim } = ctx.attrs as { dim: number };
      const dtype = ctx.output.dtype;
      ctx.node(
        'Concat',
        ctx.inputs.map((_, i) => ctx.input(i, dtype)),
        [ctx.outputName],
        { axis: dim },
      );
    },
  ],
  ['sum', reduce('ReduceSum', 13)],
  ['mean', reduce('ReduceMean', 18)],
  ['max', reduce('ReduceMax', 18)],
  ['logsumexp', reduce('ReduceLogSumExp', 18)],
  [
    'softmax',
    (ctx) => {
      const { dim } = ctx.attrs as { dim: number };
      ctx.node('Softmax', [ctx.input(0)], [ctx.outputName], { axis: dim });
    },
  ],
  [
    'logSoftmax',
    (ctx) => {
      const { dim } = ctx.attrs as { dim: number };
      ctx.node('LogSoftmax', [ctx.input(0)], [ctx.outputName], { axis: dim });
    },
  ],
  [
    'cast',
    (ctx) => {
      ctx.node('Cast', [ctx.input(0)], [ctx.outputName], { to: ELEM[ctx.output.dtype] });
    },
  ],
]);

/** The export rule of an op, or undefined. */
export function exportRule(opName: string): ExportRule | undefined {
  return rules.get(opName);
}

/** The ops that have an export rule, sorted. */
export function exportableOps(): string[] {
  return [...rules.keys()].sort();
}

/**
 * Teach `exportOnnx` an op: `rule` adds the ONNX nodes computing one application of the op
 * named `opName` (a `defineOp` name). Replaces a rule of that name.
 *
 * @example
 * registerOnnxExport('softplus', (ctx) => {
 *   ctx.node('Softplus', [ctx.input(0)], [ctx.outputName]);
 * });
 */
export function registerOnnxExport(opName: string, rule: ExportRule): void {
  if (typeof opName !== 'string' || opName === '') {
    throw new ValueError(
      'registerOnnxExport',
      `opName must be a non-empty string, got ${String(opName)}`,
    );
  }
  if (typeof rule !== 'function') {
    throw new ValueError(
      'registerOnnxExport',
      `rule must be a function (ctx) => void, got ${typeof rule}`,
    );
  }
  rules.set(opName, rule);
}
