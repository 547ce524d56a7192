// importOnnx: an ONNX model as a tapegrad module. Float initializers become Parameters
// under their names (`layers.0.weight` is `layers` → `0` → `weight`, so `namedParameters()`
// and `stateDict()` give the ONNX names back); the graph's nodes run as tapegrad ops, in
// order, so the module trains too. The op set is the one `exportOnnx` writes, plus `Gemm`
// (what PyTorch's exporter writes for `nn.Linear`).
import {
  abs,
  add,
  cast,
  concat,
  type DType,
  div,
  eq,
  exp,
  expand,
  ge,
  gt,
  le,
  leakyRelu,
  log,
  logSoftmax,
  logsumexp,
  lt,
  matmul,
  max,
  maximum,
  mean,
  minimum,
  mul,
  neg,
  pow,
  relu,
  reshape,
  sigmoid,
  sign,
  slice,
  softmax,
  sqrt,
  sub,
  sum,
  Tensor,
  tanh,
  tensor,
  transpose,
  ValueError,
  where,
} from '@tapegrad/core';
import { Module, Parameter } from '@tapegrad/nn';
import type { onnx as P } from 'onnx-proto';
import { ELEM, onnx } from './graph.js';

const op = 'importOnnx';

/** A graph value while the model runs: a tensor, or int64 values (shapes, axes). */
type Value = Tensor | { readonly int64: readonly number[] };

/** Reads an initializer: float tensors and int64 vectors. */
function readTensor(t: P.ITensorProto): Value {
  const dims = (t.dims ?? []).map(Number);
  const type = t.dataType ?? 0;
  const raw = t.rawData ?? new Uint8Array(0);
  const bytes = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
  if (type === ELEM.int64) {
    const values =
      raw.byteLength > 0
        ? Array.from(new BigInt64Array(bytes), Number)
        : (t.int64Data ?? []).map(Number);
    return { int64: values };
  }
  if (type === ELEM.float32 || type === ELEM.float64) {
    const dtype: DType = type === ELEM.float32 ? 'float32' : 'float64';
    const data =
      raw.byteLength > 0
        ? type === ELEM.float32
          ? new Float32Array(bytes)
          : new Float64Array(bytes)
        : type === ELEM.float32
          ? Float32Array.from(t.floatData ?? [])
          : Float64Array.from(t.doubleData ?? []);
    return tensor(data, { shape: dims, dtype });
  }
  throw new ValueError(
    op,
    `initializer '${t.name}' has ONNX data type ${type}; tapegrad reads float, double and int64`,
  );
}

/** An attribute's value by name, or `fallback`. */
function attr(node: P.INodeProto, name: string, fallback: number): number;
function attr(node: P.INodeProto, name: string, fallback: number[]): number[];
function attr(
  node: P.INodeProto,
  name: string,
  fallback: number | number[] | string,
): number | number[] | string {
  const a = node.attribute?.find((x) => x.name === name);
  if (a === undefined) return fallback;
  const T_ = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T_.INT:
      return Number(a.i);
    case T_.FLOAT:
      return a.f ?? 0;
    case T_.INTS:
      return (a.ints ?? []).map(Number);
    case T_.STRING:
      return new TextDecoder().decode(a.s ?? new Uint8Array(0));
    default:
      throw new ValueError(
        op,
        `${node.opType} node '${node.name}': attribute '${name}' has an unsupported type ${a.type}`,
      );
  }
}

/** The permutation `perm` as a sequence of two-dim swaps applied to x. */
function permute(x: Tensor, perm: readonly number[]): Tensor {
  const order = x.shape.map((_, i) => i);
  let y = x;
  for (let i = 0; i < perm.length; i++) {
    const j = order.indexOf(perm[i]!);
    if (j !== i) {
      y = transpose(y, i, j);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  }
  return y;
}

/** The shape `Expand` produces: the numpy broadcast of x's shape and the target. */
function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    return x === 1 ? y : x;
  });
}

type Kernel = (node: P.INodeProto, inputs: readonly (Value | undefined)[]) => Tensor;

const t = (v: Value | undefined, node: P.INodeProto, i: number): Tensor => {
  if (v instanceof Tensor) return v;
  throw new ValueError(op, `${node.opType} node '${node.name}': input ${i} must be a float tensor`);
};
const ints = (v: Value | undefined, node: P.INodeProto, i: number): readonly number[] => {
  if (v !== undefined && !(v instanceof Tensor)) return v.int64;
  throw new ValueError(
    op,
    `${node.opType} node '${node.name}': input ${i} must be an int64 initializer`,
  );
};
const unary =
  (f: (x: Tensor) => Tensor): Kernel =>
  (n, [x]) =>
    f(t(x, n, 0));
const binary =
  (f: (a: Tensor, b: Tensor) => Tensor): Kernel =>
  (n, [a, b]) =>
    f(t(a, n, 0), t(b, n, 1));

/** The axes of a reduction: an input from opset 13 (ReduceSum) or 18 (the others), an attribute before. */
function axesOf(node: P.INodeProto, inputs: readonly (Value | undefined)[], x: Tensor): number[] {
  const given =
    inputs[1] !== undefined ? [...ints(inputs[1], node, 1)] : attr(node, 'axes', [] as number[]);
  return given.length === 0 ? x.shape.map((_, i) => i) : given.map((a) => (a < 0 ? a + x.ndim : a));
}
const reduction =
  (f: (x: Tensor, dims: number[], keep: boolean) => Tensor): Kernel =>
  (n, inputs) => {
    const x = t(inputs[0], n, 0);
    return f(x, axesOf(n, inputs, x), attr(n, 'keepdims', 1) === 1);
  };

const dtypeOfElem = (elem: number, node: P.INodeProto): DType | 'bool' => {
  if (elem === ELEM.float32) return 'float32';
  if (elem === ELEM.float64) return 'float64';
  if (elem === ELEM.bool) return 'bool';
  throw new ValueError(
    op,
    `Cast node '${node.name}': to ONNX type ${elem} (tapegrad has float, double; booleans as 0/1)`,
  );
};

const KERNELS: Record<string, Kernel> = {
  Add: binary(add),
  Sub: binary(sub),
  Mul: binary(mul),
  Div: binary(div),
  Pow: binary(pow),
  Max: binary(maximum),
  Min: binary(minimum),
  Neg: unary(neg),
  Abs: unary(abs),
  Sign: unary(sign),
  Exp: unary(exp),
  Log: unary(log),
  Sqrt: unary(sqrt),
  Tanh: unary(tanh),
  Sigmoid: unary(sigmoid),
  Relu: unary(relu),
  MatMul: binary(matmul),
  Identity: unary((x) => x),
  // booleans are 0/1 in the inputs' dtype, as tapegrad's comparisons give them
  Greater: binary(gt),
  GreaterOrEqual: binary(ge),
  Less: binary(lt),
  LessOrEqual: binary(le),
  Equal: binary(eq),
  LeakyRelu: (n, [x]) => leakyRelu(t(x, n, 0), attr(n, 'alpha', 0.01)),
  Where: (n, [c, a, b]) => where(t(c, n, 0), t(a, n, 1), t(b, n, 2)),
  Cast: (n, [x]) => {
    const v = t(x, n, 0);
    const to = dtypeOfElem(attr(n, 'to', 0), n);
    // to bool: 1 where non-zero (NaN too), else 0
    return to === 'bool' ? sub(1, eq(v, 0)) : cast(v, to);
  },
  Transpose: (n, [x]) => {
    const v = t(x, n, 0);
    const perm = attr(
      n,
      'perm',
      v.shape.map((_, i) => v.ndim - 1 - i),
    );
    return permute(v, perm);
  },
  Reshape: (n, [x, s]) => {
    const v = t(x, n, 0);
    const target = ints(s, n, 1).map((d, i) =>
      d === 0 && attr(n, 'allowzero', 0) === 0 ? v.shape[i]! : d,
    );
    return reshape(v, target);
  },
  Expand: (n, [x, s]) => {
    const v = t(x, n, 0);
    return expand(v, broadcastShape(v.shape, ints(s, n, 1)));
  },
  Slice: (n, [x, starts, ends, axes, steps]) => {
    let v = t(x, n, 0);
    const st = ints(starts, n, 1);
    const en = ints(ends, n, 2);
    const ax = axes === undefined ? st.map((_, i) => i) : ints(axes, n, 3);
    if (steps !== undefined && ints(steps, n, 4).some((s) => s !== 1)) {
      throw new ValueError(op, `Slice node '${n.name}': steps other than 1 are not supported`);
    }
    ax.forEach((a0, k) => {
      const a = a0 < 0 ? a0 + v.ndim : a0;
      const size = v.shape[a]!;
      const clamp = (i: number) => Math.min(size, Math.max(0, i < 0 ? i + size : i));
      v = slice(v, a, clamp(st[k]!), Math.max(clamp(st[k]!), clamp(en[k]!)));
    });
    return v;
  },
  Concat: (n, inputs) =>
    concat(
      inputs.map((x, i) => t(x, n, i)),
      attr(n, 'axis', 0),
    ),
  ReduceSum: reduction((x, dims, keep) => sum(x, dims, keep)),
  ReduceMean: reduction((x, dims, keep) => mean(x, dims, keep)),
  ReduceMax: reduction((x, dims, keep) => max(x, dims, keep)),
  ReduceLogSumExp: reduction((x, dims, keep) => logsumexp(x, dims, keep)),
  Softmax: (n, [x]) => softmax(t(x, n, 0), attr(n, 'axis', -1)),
  LogSoftmax: (n, [x]) => logSoftmax(t(x, n, 0), attr(n, 'axis', -1)),
  Gemm: (n, [a, b, c]) => {
    let A = t(a, n, 0);
    let B = t(b, n, 1);
    if (attr(n, 'transA', 0) === 1) A = A.T;
    if (attr(n, 'transB', 0) === 1) B = B.T;
    const alpha = attr(n, 'alpha', 1);
    const beta = attr(n, 'beta', 1);
    let y = matmul(A, B);
    if (alpha !== 1) y = mul(y, alpha);
    if (c !== undefined) y = add(y, beta === 1 ? t(c, n, 2) : mul(t(c, n, 2), beta));
    return y;
  },
};

/** The ONNX ops `importOnnx` runs, sorted. */
export function importableOps(): string[] {
  return [...Object.keys(KERNELS), 'Constant'].sort();
}

/** A module holding parameters by dotted name: one container level per name segment. */
class Container extends Module {
  forward(): Tensor {
    throw new ValueError(op, 'a parameter container of an imported model has no forward');
  }
}

/** Places `p` at the dotted `name` under `root`, making containers on the way. */
function place(root: Module, name: string, p: Parameter): void {
  const parts = name.split('.');
  let at = root as unknown as Record<string, unknown>;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    const existing = at[part];
    if (
      last ? existing !== undefined : existing !== undefined && !(existing instanceof Container)
    ) {
      throw new ValueError(
        op,
        `initializer '${name}': '${part}' is already a field of the module it goes in; rename it in the ONNX file`,
      );
    }
    if (last) at[part] = p;
    else {
      if (existing === undefined) at[part] = new Container();
      at = at[part] as Record<string, unknown>;
    }
  });
}

/**
 * The model an ONNX file describes, as a module: `forward(x)` runs its graph with tapegrad
 * ops (`run(...inputs)` for several inputs), its float initializers are its parameters.
 */
export class OnnxModule extends Module {
  /** The graph's input and output names. */
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly #nodes: readonly P.INodeProto[];
  readonly #values: ReadonlyMap<string, Value>;

  constructor(model: P.IModelProto) {
    super();
    const graph = model.graph;
    if (graph === null || graph === undefined) throw new ValueError(op, 'the model has no graph');
    const values = new Map<string, Value>();
    for (const init of graph.initializer ?? []) {
      const v = readTensor(init);
      const name = init.name ?? '';
      if (v instanceof Tensor) {
        const p = new Parameter(v);
        place(this, name, p);
        values.set(name, p);
      } else values.set(name, v);
    }
    const nodes: P.INodeProto[] = [];
    for (const n of graph.node ?? []) {
      if (n.opType === 'Constant') {
        // computed once, here: a constant, not a parameter
        const value = n.attribute?.find((a) => a.name === 'value')?.t;
        if (value === undefined || value === null) {
          throw new ValueError(
            op,
            `Constant node '${n.name}': tapegrad reads its 'value' tensor only`,
          );
        }
        values.set(n.output?.[0] ?? '', readTensor(value));
        continue;
      }
      nodes.push(n);
      if (
        n.domain !== undefined &&
        n.domain !== null &&
        n.domain !== '' &&
        n.domain !== 'ai.onnx'
      ) {
        throw new ValueError(
          op,
          `node '${n.name}' is of domain '${n.domain}'; tapegrad runs the default ONNX domain`,
        );
      }
      if (KERNELS[n.opType ?? ''] === undefined) {
        throw new ValueError(
          op,
          `ONNX op '${n.opType}' (node '${n.name}') has no tapegrad equivalent here; the ops it runs: ${importableOps().join(', ')}`,
        );
      }
    }
    this.#nodes = nodes;
    this.#values = values;
    // older exporters list the initializers among the inputs too
    this.inputNames = (graph.input ?? []).map((i) => i.name ?? '').filter((n) => !values.has(n));
    this.outputNames = (graph.output ?? []).map((o) => o.name ?? '');
    if (this.outputNames.length !== 1) {
      throw new ValueError(
        op,
        `the graph has ${this.outputNames.length} outputs; tapegrad modules return one`,
      );
    }
  }

  override forward(x: Tensor): Tensor {
    return this.run(x);
  }

  /** Runs the graph on its inputs, in the order of `inputNames`. */
  run(...inputs: Tensor[]): Tensor {
    if (inputs.length !== this.inputNames.length || !inputs.every((x) => x instanceof Tensor)) {
      throw new ValueError(
        'OnnxModule',
        `expected ${this.inputNames.length} input tensor(s) (${this.inputNames.join(', ')}), got ${inputs.length}`,
      );
    }
    const env = new Map<string, Value>(this.#values);
    this.inputNames.forEach((name, i) => {
      env.set(name, inputs[i]!);
    });
    for (const n of this.#nodes) {
      const args = (n.input ?? []).map((name) => {
        if (name === '') return undefined;
        const v = env.get(name);
        if (v === undefined) {
          throw new ValueError(
            'OnnxModule',
            `${n.opType} node '${n.name}' reads '${name}', which nothing computed`,
          );
        }
        return v;
      });
      env.set(n.output![0]!, KERNELS[n.opType!]!(n, args));
    }
    return env.get(this.outputNames[0]!) as Tensor;
  }

  override extraRepr(): string {
    return `${this.#nodes.length} nodes, inputs ${this.inputNames.join(', ')}`;
  }
}

/**
 * The ONNX model in `bytes` as a tapegrad module (see `OnnxModule`): what `exportOnnx`
 * writes comes back with its parameters' names, and runs and trains in tapegrad. Float
 * initializers are parameters, `Constant` nodes constants. ONNX keeps float attributes in
 * float32: a LeakyReLU slope of 0.2 comes back as 0.2 rounded to float32.
 *
 * @example
 * const copy = importOnnx(exportOnnx(model, x));
 * copy.forward(x); // model.forward(x)
 */
export function importOnnx(bytes: Uint8Array): OnnxModule {
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError(
      op,
      `bytes must be a Uint8Array (an ONNX file's contents), got ${typeof bytes}`,
    );
  }
  let model: P.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new ValueError(op, `the bytes are not an ONNX model: ${(e as Error).message}`);
  }
  return new OnnxModule(model);
}
