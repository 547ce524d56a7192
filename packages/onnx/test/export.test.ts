// exportOnnx, checked against ONNX Runtime (onnxruntime-node, CPU): every op with an export
// rule and every activation module, run at batch sizes other than the traced one, agree
// with tapegrad's own outputs.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  add,
  concat,
  div,
  gt,
  logsumexp,
  matmul,
  max,
  mean,
  mul,
  randn,
  reshape,
  sigmoid,
  sum,
  type Tensor,
  tanh,
} from '@tapegrad/core';
import { E, elementwiseOp } from '@tapegrad/core/op-kit';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onnx } from '../src/graph.js';
import { exportableOps, exportOnnx, registerOnnxExport } from '../src/index.js';
import { saveOnnx } from '../src/node.js';
import { f32, MODELS, OP_CASES, rng, w58 } from './cases.js';

/** Runs ONNX bytes in ONNX Runtime on float tensors; returns the output and its dims. */
async function runOrt(
  bytes: Uint8Array,
  inputs: readonly Tensor[],
  names: readonly string[] = inputs.length === 1 ? ['input'] : inputs.map((_, i) => `input${i}`),
): Promise<{ data: Float32Array | Float64Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  inputs.forEach((t, i) => {
    const type = t.dtype === 'float32' ? 'float32' : 'float64';
    feeds[names[i]!] = new ort.Tensor(type, t.toTypedArray() as Float32Array, [...t.shape]);
  });
  const result = await session.run(feeds);
  const out = result[session.outputNames[0]!]!;
  return { data: out.data as Float32Array | Float64Array, dims: out.dims };
}

/**
 * ONNX Runtime's output equals tapegrad's to 1e-5 relative to max(1, |value|): both compute in
 * float32 with the same ops, so they differ by a few roundings of a few ulps (2⁻²⁴ ≈ 6e-8
 * each) in values of order 1; 1e-5 leaves two orders of magnitude for summation-order
 * differences in the products (k ≤ 16 terms here).
 */
function expectAgree(
  got: { data: Float32Array | Float64Array; dims: readonly number[] },
  want: Tensor,
): void {
  expect([...got.dims]).toEqual(want.shape);
  const w = want.toTypedArray();
  expect(got.data.length).toBe(w.length);
  for (let i = 0; i < w.length; i++) {
    const tol = 1e-5 * Math.max(1, Math.abs(w[i]!));
    if (!(Math.abs(got.data[i]! - w[i]!) <= tol)) {
      throw new Error(`element ${i}: ONNX Runtime ${got.data[i]} vs tapegrad ${w[i]}`);
    }
  }
}

describe('exportOnnx: each op in ONNX Runtime', () => {
  it('the table covers every op with an export rule', () => {
    expect(Object.keys(OP_CASES).sort()).toEqual(exportableOps());
  });

  for (const [name, f] of Object.entries(OP_CASES)) {
    it(`${name}: traced at batch 4, run at batch 4, 1 and 9`, async () => {
      const bytes = exportOnnx(f, randn([4, 5], f32), { dynamicBatch: true });
      for (const batch of [4, 1, 9]) {
        const x = randn([batch, 5], f32);
        expectAgree(await runOrt(bytes, [x]), f(x));
      }
    });
  }

  it('a function of two inputs, whole-tensor sums (a scalar output), a mean over features', async () => {
    const f = (a: Tensor, b: Tensor) => add(sum(mul(a, b)), sum(mean(a, 1)));
    const bytes = exportOnnx(f, [randn([3, 5], f32), randn([3, 5], f32)], { dynamicBatch: true });
    const a = randn([6, 5], f32);
    const b = randn([6, 5], f32);
    expectAgree(await runOrt(bytes, [a, b]), f(a, b));
  });

  it('a mean over the batch is ReduceMean: it divides by the batch it runs at', async () => {
    const f = (x: Tensor) => mean(x, 0);
    const bytes = exportOnnx(f, randn([4, 5], f32), { dynamicBatch: true });
    for (const batch of [4, 1, 9]) {
      const x = randn([batch, 5], f32);
      expectAgree(await runOrt(bytes, [x]), f(x));
    }
  });

  it('a sum divided by the batch size, written out, divides by a constant: fixed batch only', async () => {
    const f = (x: Tensor) => div(sum(x, 0), x.shape[0]!);
    expect(() => exportOnnx(f, randn([4, 5], f32), { dynamicBatch: true })).toThrow(
      "exportOnnx: input 1 of 'div' (op #1) is a constant that changes with the batch size (4, then 5 with one more row), such as the divisor of a mean over the batch; export with dynamicBatch: false",
    );
    const x = randn([4, 5], f32);
    expectAgree(await runOrt(exportOnnx(f, x), [x]), f(x));
  });

  it('opsets 13 and 18 (reductions take their axes as an attribute, then as an input)', async () => {
    const f = (x: Tensor) => add(max(x, 1), logsumexp(x, 1));
    for (const opset of [13, 18]) {
      const bytes = exportOnnx(f, randn([4, 5], f32), { opset });
      const x = randn([4, 5], f32);
      expectAgree(await runOrt(bytes, [x]), f(x));
    }
  });

  it('float64 models stay float64', async () => {
    const f = (x: Tensor) => tanh(matmul(x, w58.to('float64')));
    const x = randn([3, 5], { rng });
    const bytes = exportOnnx(f, x);
    const got = await runOrt(bytes, [x]);
    expect(got.data).toBeInstanceOf(Float64Array);
    expectAgree(got, f(x));
  });
});

describe('exportOnnx: modules in ONNX Runtime', () => {
  for (const [name, make] of Object.entries(MODELS)) {
    it(`${name}: batch 5 traced, batches 5, 1 and 64 run`, async () => {
      const model = make();
      const bytes = exportOnnx(model, randn([5, 6], f32), { dynamicBatch: true });
      for (const batch of [5, 1, 64]) {
        const x = randn([batch, 6], f32);
        expectAgree(await runOrt(bytes, [x]), model.forward(x));
      }
    });
  }

  it('parameters become initializers named as in namedParameters()', () => {
    const model = MODELS['PReLU (per channel)']!();
    const decoded = onnx.ModelProto.decode(exportOnnx(model, randn([2, 6], f32)));
    const names = decoded.graph!.initializer!.map((t) => t.name);
    for (const [name, p] of model.namedParameters()) {
      expect(names).toContain(name);
      const init = decoded.graph!.initializer!.find((t) => t.name === name)!;
      expect(init.dims!.map(Number)).toEqual(p.shape);
      const raw = init.rawData!;
      const values = new Float32Array(
        raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength),
      );
      expect(Array.from(values)).toEqual(Array.from(p.toTypedArray()));
    }
    expect(decoded.producerName).toBe('tapegrad');
    expect(Number(decoded.opsetImport![0]!.version)).toBe(17);
  });

  it('without dynamicBatch the batch dim is fixed; with it, symbolic', () => {
    const model = MODELS.ReLU!();
    const dims = (bytes: Uint8Array) =>
      onnx.ModelProto.decode(bytes).graph!.input![0]!.type!.tensorType!.shape!.dim!.map((d) =>
        d.dimParam ? d.dimParam : Number(d.dimValue),
      );
    expect(dims(exportOnnx(model, randn([5, 6], f32)))).toEqual([5, 6]);
    expect(dims(exportOnnx(model, randn([5, 6], f32), { dynamicBatch: true }))).toEqual([
      'batch',
      6,
    ]);
  });

  it('traces in evaluation mode and restores the mode; input names are the given ones', async () => {
    const model = MODELS.Tanh!();
    model.train();
    const bytes = exportOnnx(model, randn([2, 6], f32), {
      inputNames: ['pixels'],
      outputNames: ['scores'],
    });
    expect(model.training).toBe(true);
    const x = randn([2, 6], f32);
    const session = await ort.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['pixels']);
    expect(session.outputNames).toEqual(['scores']);
    const out = await session.run({
      pixels: new ort.Tensor('float32', x.toTypedArray() as Float32Array, [2, 6]),
    });
    expectAgree(
      { data: out.scores!.data as Float32Array, dims: out.scores!.dims },
      model.forward(x),
    );
  });
});

describe('exportOnnx: what it refuses', () => {
  const softplus = elementwiseOp({
    name: 'softplusForExport',
    arity: 1,
    expr: ([x]) => E.log(E.add(E.exp(x), 1)),
    backward: (dy, { inputs: [x] }) => [mul(dy, sigmoid(x))],
  });

  it('an op without an export rule is named; registerOnnxExport teaches it', async () => {
    const f = (x: Tensor) => add(softplus(x), 1);
    expect(() => exportOnnx(f, randn([2, 5], f32))).toThrow(
      "exportOnnx: op 'softplusForExport' has no ONNX export rule (output shape [2,5]); register one with registerOnnxExport('softplusForExport', rule)",
    );
    registerOnnxExport('softplusForExport', (ctx) => {
      ctx.node('Softplus', [ctx.input(0)], [ctx.outputName]);
    });
    const bytes = exportOnnx(f, randn([2, 5], f32), { dynamicBatch: true });
    const x = randn([7, 5], f32);
    expectAgree(await runOrt(bytes, [x]), f(x));
  });

  it('ops without a backward rule are traced too: an input-dependent mask is not baked in', async () => {
    // gt has no backward rule, so the tape does not record it; the trace does
    const f = (x: Tensor) => mul(gt(x, 0), x);
    const bytes = exportOnnx(f, randn([3, 5], f32), { dynamicBatch: true });
    for (const batch of [3, 8]) {
      const x = randn([batch, 5], f32);
      expectAgree(await runOrt(bytes, [x]), f(x));
    }
  });

  it('bad options, a reshape that mixes the batch into two dims', () => {
    const x = randn([4, 6], f32);
    const model = MODELS.ReLU!();
    expect(() => exportOnnx(model, x, { opset: 12 })).toThrow(
      'exportOnnx: opset must be a whole number in [13, 21], got 12',
    );
    expect(() => exportOnnx(model, x, { dynamic: true } as never)).toThrow(/dynamic/);
    expect(() => exportOnnx(model, x, { inputNames: ['a', 'b'] })).toThrow(
      'exportOnnx: options.inputNames must be 1 distinct non-empty string(s), got ["a","b"]',
    );
    expect(() => exportOnnx(model, [x, x])).toThrow(
      "exportOnnx: a Module's forward takes one input, got 2 sample inputs",
    );
    expect(() => exportOnnx('model' as never, x)).toThrow(
      'exportOnnx: model must be a Module or a function of tensors, got string',
    );
    const mixes = (t: Tensor) => reshape(concat([t, t], 0), [2, -1, 6]);
    expect(() => exportOnnx(mixes, x, { dynamicBatch: true })).not.toThrow();
    // an outer product over the batch, flattened: [B, B·6] has two batch-sized dims
    const twoDims = (t: Tensor) =>
      reshape(mul(reshape(t, [-1, 1, 6]), reshape(t, [1, -1, 6])), [t.shape[0]!, -1]);
    expect(() => exportOnnx(twoDims, x, { dynamicBatch: true })).toThrow(
      'exportOnnx: reshape to [4,24]: 2 dims follow the batch size; ONNX Reshape can infer one (-1). Export with dynamicBatch: false',
    );
  });
});

describe('saveOnnx', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapegrad-onnx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the file atomically, and ONNX Runtime loads it from the path', async () => {
    const model = MODELS['MLP (ReLU)']!();
    const path = join(dir, 'mlp.onnx');
    await writeFile(path, 'an older file');
    await saveOnnx(path, model, randn([2, 6], f32), { dynamicBatch: true });
    expect(await readdir(dir)).toEqual(['mlp.onnx']);
    const session = await ort.InferenceSession.create(path);
    const x = randn([3, 6], f32);
    const out = await session.run({
      input: new ort.Tensor('float32', x.toTypedArray() as Float32Array, [3, 6]),
    });
    expectAgree(
      { data: out.output!.data as Float32Array, dims: out.output!.dims },
      model.forward(x),
    );
    // a failed export leaves the older file as it was
    await expect(saveOnnx(path, model, randn([2, 6], f32), { opset: 99 })).rejects.toThrow(/opset/);
    expect((await readFile(path)).length).toBeGreaterThan(100);
    expect(await readdir(dir)).toEqual(['mlp.onnx']);
  });
});
