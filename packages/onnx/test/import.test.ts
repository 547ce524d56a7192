// importOnnx: what exportOnnx writes comes back as a module that computes the same values
// with the same parameter names, and trains; a Gemm (PyTorch's nn.Linear export) runs too.
import { grad, matmul, randn, type Tensor, tensor } from '@tapegrad/core';
import { type Linear, type Module, type Sequential, softmaxCrossEntropy } from '@tapegrad/nn';
import { describe, expect, it } from 'vitest';
import { ELEM, onnx, rawBytes } from '../src/graph.js';
import { exportOnnx, importableOps, importOnnx } from '../src/index.js';
import { f32, MODELS, OP_CASES } from './cases.js';

const bits = (t: Tensor) => Array.from(t.toTypedArray());

/** Each value within one float32 ulp of the other's. */
function expectWithinUlp(got: Tensor, want: Tensor): void {
  const g = got.toTypedArray();
  const w = want.toTypedArray();
  expect(g.length).toBe(w.length);
  w.forEach((v, i) => {
    expect(Math.abs(g[i]! - v)).toBeLessThanOrEqual(2 ** -23 * Math.abs(v));
  });
}

/**
 * The LeakyReLU net Linear → LeakyReLU(0.05) → Linear after the round trip: its slope came
 * back as fround(0.05), so each hidden value h may differ by 2⁻²³·|h| (the slope's relative
 * change, 1.5e-8, plus one rounding apart); the last layer sums them, Σ|W₂||Δh| ≤
 * 2⁻²³·Σ|W₂||h|, and its own rounding of two different exact sums may part by one more ulp.
 */
function expectLeakyNetClose(model: Sequential, got: Tensor, x: Tensor): void {
  const [first, act, last] = model.layers as [Linear, Module, Linear];
  const h = act.forward(first.forward(x));
  const terms = matmul(h.abs(), last.weight.abs().T).toTypedArray();
  const want = model.forward(x).toTypedArray();
  const g = got.toTypedArray();
  want.forEach((v, i) => {
    expect(Math.abs(g[i]! - v)).toBeLessThanOrEqual(2 ** -23 * (terms[i]! + Math.abs(v)));
  });
}

describe('importOnnx: the round trip', () => {
  for (const [name, f] of Object.entries(OP_CASES)) {
    it(`${name}: the imported graph gives the same values at other batch sizes`, () => {
      const copy = importOnnx(exportOnnx(f, randn([4, 5], f32), { dynamicBatch: true }));
      for (const batch of [4, 1, 7]) {
        const x = randn([batch, 5], f32);
        const want = f(x);
        const got = copy.forward(x);
        expect(got.shape).toEqual(want.shape);
        expect(got.dtype).toBe(want.dtype);
        // the same tapegrad ops on the same values: the same bits, except where a float
        // attribute went through float32 (ONNX's type for them): LeakyRelu's slope 0.2
        // comes back as fround(0.2), a relative change of 1.5e-8 before the product's rounding
        if (name === 'leakyRelu') expectWithinUlp(got, want);
        else expect(bits(got)).toEqual(bits(want));
      }
    });
  }

  for (const [name, make] of Object.entries(MODELS)) {
    it(`${name}: same outputs, same parameter names, loads the original's state dict`, () => {
      const model = make();
      const copy = importOnnx(exportOnnx(model, randn([3, 6], f32), { dynamicBatch: true }));
      const x = randn([9, 6], f32);
      if (name === 'LeakyReLU') expectLeakyNetClose(model as Sequential, copy.forward(x), x);
      else expect(bits(copy.forward(x))).toEqual(bits(model.forward(x)));
      expect(
        copy
          .namedParameters()
          .map(([n]) => n)
          .sort(),
      ).toEqual(
        model
          .namedParameters()
          .map(([n]) => n)
          .sort(),
      );
      copy.loadStateDict(model.stateDict(), { strict: true });
    });
  }

  it('the imported module trains: its parameters get the original model’s gradients', () => {
    const model = MODELS['MLP (ReLU)']!();
    const copy = importOnnx(exportOnnx(model, randn([2, 6], f32), { dynamicBatch: true }));
    const x = randn([10, 6], f32);
    const labels = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
    const g1 = grad(softmaxCrossEntropy(model.forward(x), labels), model.parameters());
    const byName = new Map(copy.namedParameters());
    const ordered = model.namedParameters().map(([n]) => byName.get(n)!);
    const g2 = grad(softmaxCrossEntropy(copy.forward(x), labels), ordered);
    g1.forEach((g, i) => {
      expect(bits(g2[i]!)).toEqual(bits(g!));
    });
  });
});

/** A one-node ONNX model: Gemm(A, B, C) with B and C as initializers. */
function gemmModel(attrs: { transB: number; alpha: number; beta: number }): Uint8Array {
  const w = randn([4, 3], f32);
  const c = randn([4], f32);
  const init = (name: string, t: Tensor) => ({
    name,
    dims: [...t.shape],
    dataType: ELEM.float32,
    rawData: rawBytes(t.toTypedArray() as Float32Array),
  });
  const T = onnx.AttributeProto.AttributeType;
  const model = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'gemm',
      node: [
        {
          name: 'fc',
          opType: 'Gemm',
          input: ['x', 'fc.weight', 'fc.bias'],
          output: ['y'],
          attribute: [
            { name: 'transB', type: T.INT, i: attrs.transB },
            { name: 'alpha', type: T.FLOAT, f: attrs.alpha },
            { name: 'beta', type: T.FLOAT, f: attrs.beta },
          ],
        },
      ],
      initializer: [init('fc.weight', w), init('fc.bias', c)],
      // PyTorch's older exports list the initializers among the inputs too
      input: [{ name: 'x' }, { name: 'fc.weight' }, { name: 'fc.bias' }],
      output: [{ name: 'y' }],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

describe('importOnnx: other exporters and bad input', () => {
  it('Gemm with transB, alpha and beta (what torch.onnx.export writes for nn.Linear)', () => {
    const copy = importOnnx(gemmModel({ transB: 1, alpha: 2, beta: 0.5 }));
    expect(copy.inputNames).toEqual(['x']);
    const params = new Map(copy.namedParameters());
    expect([...params.keys()]).toEqual(['fc.weight', 'fc.bias']);
    const x = randn([5, 3], f32);
    const w = params.get('fc.weight')!;
    const c = params.get('fc.bias')!;
    const want = matmul(x, w.T).mul(2).add(c.mul(0.5));
    expect(bits(copy.forward(x))).toEqual(bits(want));
  });

  it('refuses what is not an ONNX model, ops it cannot run, the wrong number of inputs', () => {
    expect(() => importOnnx('model.onnx' as never)).toThrow(
      "importOnnx: bytes must be a Uint8Array (an ONNX file's contents), got string",
    );
    expect(() => importOnnx(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toThrow(
      /^importOnnx: the bytes are not an ONNX model: /,
    );
    const bytes = exportOnnx((x: Tensor) => x.exp(), randn([2, 2], f32));
    const model = onnx.ModelProto.decode(bytes);
    model.graph!.node![0]!.opType = 'Erf';
    expect(() => importOnnx(onnx.ModelProto.encode(model).finish())).toThrow(
      `importOnnx: ONNX op 'Erf' (node 'Exp_0') has no tapegrad equivalent here; the ops it runs: ${importableOps().join(', ')}`,
    );
    const copy = importOnnx(bytes);
    expect(() => copy.run()).toThrow('OnnxModule: expected 1 input tensor(s) (input), got 0');
    expect(
      bits(
        copy.forward(
          tensor([
            [0, 1],
            [2, 3],
          ]),
        ),
      ),
    ).toEqual([0, 1, 2, 3].map((v) => Math.fround(Math.exp(v))));
  });
});
