// The ops and modules the ONNX tests export: one case per op with an export rule, and a
// network per activation of the nn package.
import {
  abs,
  add,
  cast,
  clone,
  concat,
  div,
  eq,
  exp,
  expand,
  ge,
  gt,
  le,
  leakyRelu,
  linear,
  linearRelu,
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
  Rng,
  randn,
  relu,
  reshape,
  sigmoid,
  sign,
  slice,
  softmax,
  sqrt,
  sub,
  sum,
  type Tensor,
  tanh,
  transpose,
  where,
} from '@tapegrad/core';
import {
  LeakyReLU,
  Linear,
  Maxout,
  MLP,
  type Module,
  PReLU,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from '@tapegrad/nn';

export const rng = new Rng(5);
export const f32 = { dtype: 'float32' as const, rng };

const positive = (x: Tensor) => add(abs(x), 0.5);
export const w58 = randn([5, 8], f32);
const col = randn([5], f32);
const w85 = randn([8, 5], f32);
const b8 = randn([8], f32);

/** One function per op with an export rule, on an input [batch, 5]. */
export const OP_CASES: Record<string, (x: Tensor) => Tensor> = {
  add: (x) => add(x, col),
  sub: (x) => sub(col, x),
  mul: (x) => mul(x, x),
  div: (x) => div(x, positive(x)),
  pow: (x) => pow(positive(x), 1.5),
  maximum: (x) => maximum(x, col),
  minimum: (x) => minimum(x, 0.25),
  neg: (x) => neg(x),
  abs: (x) => abs(x),
  sign: (x) => sign(x),
  exp: (x) => exp(x),
  log: (x) => log(positive(x)),
  sqrt: (x) => sqrt(positive(x)),
  tanh: (x) => tanh(x),
  sigmoid: (x) => sigmoid(x),
  relu: (x) => relu(x),
  leakyRelu: (x) => leakyRelu(x, 0.2),
  matmul: (x) => matmul(x, w58),
  // a matrix without a bias (Gemm), a 3-D input with one (MatMul + Add)
  linear: (x) => add(linear(x, w85), reshape(linear(reshape(x, [-1, 1, 5]), w85, b8), [-1, 8])),
  // Gemm + Relu, and MatMul + Add + Relu
  linearRelu: (x) =>
    add(linearRelu(x, w85, b8), reshape(linearRelu(reshape(x, [-1, 1, 5]), w85), [-1, 8])),
  clone: (x) => clone(x),
  gt: (x) => gt(x, 0),
  ge: (x) => ge(x, col),
  lt: (x) => lt(x, 0.1),
  le: (x) => le(x, col),
  eq: (x) => eq(relu(x), 0),
  where: (x) => where(gt(x, 0), x, mul(x, 0.1)),
  transpose: (x) => transpose(x),
  reshape: (x) => reshape(x, [-1, 5, 1]),
  expand: (x) => expand(sum(x, 1, true), [x.shape[0]!, 4]),
  slice: (x) => add(slice(x, 1, 1, 4), slice(x, 0, 0, x.shape[0]!).slice(1, 0, 3)),
  concat: (x) => concat([x, exp(x)], 1),
  sum: (x) => sum(x, 1),
  mean: (x) => mean(x, 1),
  max: (x) => max(x, 1, true),
  logsumexp: (x) => logsumexp(x, 1),
  softmax: (x) => softmax(x, 1),
  logSoftmax: (x) => logSoftmax(x, 1),
  cast: (x) => cast(x, 'float64'),
};

/** Every activation the nn package has, in a network. */
export const MODELS: Record<string, () => Module> = {
  Linear: () => new Linear(6, 3, { rng }),
  'MLP (ReLU)': () => new MLP([6, 16, 3], { rng }),
  Sigmoid: () =>
    new Sequential(new Linear(6, 8, { rng }), new Sigmoid(), new Linear(8, 3, { rng })),
  Tanh: () => new Sequential(new Linear(6, 8, { rng }), new Tanh(), new Linear(8, 3, { rng })),
  ReLU: () => new Sequential(new Linear(6, 8, { rng }), new ReLU(), new Linear(8, 3, { rng })),
  LeakyReLU: () =>
    new Sequential(new Linear(6, 8, { rng }), new LeakyReLU(0.05), new Linear(8, 3, { rng })),
  'PReLU (one slope)': () =>
    new Sequential(new Linear(6, 8, { rng }), new PReLU({ init: 0.3 }), new Linear(8, 3, { rng })),
  'PReLU (per channel)': () =>
    new Sequential(
      new Linear(6, 8, { rng }),
      new PReLU({ numParameters: 8, init: 0.1 }),
      new Linear(8, 3, { rng }),
    ),
  Maxout: () => new Sequential(new Maxout(6, 8, { pieces: 3, rng }), new Linear(8, 3, { rng })),
};
