// The TypeScript side of `pnpm test:interop`, before Python: writes to <out> (default
// out/interop)
//   onnx/<case>.onnx          every op with an export rule and every activation module, plus
//                             opsets 13/18/21, float64, two inputs, a registered rule, named
//                             inputs, a fixed batch and the MNIST-sized MLP
//   onnx/<case>.safetensors   sample inputs and tapegrad's outputs at the traced batch size
//                             and others (`b<batch>.input`, `b<batch>.output`)
//   torch/<model>.safetensors the weights of a tapegrad model with a torch.nn equivalent, and
//   torch/<model>.probe.safetensors   an input and tapegrad's output for it
//   ddp/data.safetensors      the data the DDP run trains on
//   manifest.json             what is where, read by the Python checks and by reload.ts
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  add,
  logsumexp,
  matmul,
  max,
  mean,
  mul,
  noGrad,
  Rng,
  rand,
  randn,
  sigmoid,
  sum,
  type Tensor,
  tanh,
} from '@tapegrad/core';
import { E, elementwiseOp } from '@tapegrad/core/op-kit';
import { MLP, type Module, PReLU } from '@tapegrad/nn';
import { saveFile } from '@tapegrad/nn/node';
import { type ExportOnnxOptions, registerOnnxExport } from '@tapegrad/onnx';
import { saveOnnx } from '@tapegrad/onnx/node';
import { MODELS, OP_CASES, w58 } from '../../packages/onnx/test/cases.js';
import { DDP_MODELS, slug, TORCH_MODELS, torchSpec } from './models.js';

/** What Python and reload.ts read: see the header. */
export interface Manifest {
  readonly onnx: OnnxEntry[];
  readonly torch: TorchEntry[];
  readonly ddp: DdpConfig;
}

export interface OnnxEntry {
  readonly name: string;
  readonly file: string;
  readonly tensors: string;
  readonly opset: number;
  readonly dynamicBatch: boolean;
  readonly runs: {
    readonly batch: number;
    readonly traced: boolean;
    /** ONNX input name → tensor name in `tensors`. */
    readonly inputs: Record<string, string>;
    readonly outputName: string;
    readonly output: string;
  }[];
}

export interface TorchEntry extends ReturnType<typeof torchSpec> {
  readonly name: string;
  readonly weights: string;
  /** `input` and tapegrad's `output`. */
  readonly probe: string;
  /** Written by check_torch.py: a fresh torch.nn module's weights, and its probe output. */
  readonly torchWeights: string;
  readonly torchProbe: string;
  /** Written by ddp_train.py for the DDP models: trained weights, and probe output and losses. */
  readonly ddpWeights?: string;
  readonly ddpResult?: string;
}

export interface DdpConfig {
  /** `x` [rows, features] and `y` [rows] (class indices as floats). */
  readonly data: string;
  readonly classes: number;
  readonly steps: number;
  readonly lr: number;
  readonly momentum: number;
  readonly worldSize: number;
}

const rng = new Rng(3);
const f32 = { dtype: 'float32' as const, rng };

interface OnnxCase {
  readonly model: Module | ((...inputs: Tensor[]) => Tensor);
  /** The inputs at a batch size. */
  readonly inputs: (batch: number) => Tensor[];
  readonly traced: number;
  readonly batches: readonly number[];
  readonly options?: ExportOnnxOptions;
}

const rows5 = (batch: number) => [randn([batch, 5], f32)];
const rows6 = (batch: number) => [randn([batch, 6], f32)];

/** Softplus as a user's own op, exported through a registered rule. */
const softplus = elementwiseOp({
  name: 'softplusForInterop',
  arity: 1,
  expr: ([x]) => E.log(E.add(E.exp(x), 1)),
  backward: (dy, { inputs: [x] }) => [mul(dy, sigmoid(x))],
});
registerOnnxExport('softplusForInterop', (ctx) => {
  ctx.node('Softplus', [ctx.input(0)], [ctx.outputName]);
});

function onnxCases(): Record<string, OnnxCase> {
  const cases: Record<string, OnnxCase> = {};
  for (const [name, f] of Object.entries(OP_CASES)) {
    cases[`op ${name}`] = { model: f, inputs: rows5, traced: 4, batches: [4, 1, 9] };
  }
  for (const [name, make] of Object.entries(MODELS)) {
    cases[`module ${name}`] = { model: make(), inputs: rows6, traced: 5, batches: [5, 1, 64] };
  }
  // deeper ones, and Dropout and Identity (traced in evaluation mode: no ops)
  for (const name of ['MLP (tanh, 3 layers)', 'MLP (prelu, 3 layers)', 'every activation']) {
    const model = TORCH_MODELS[name]!();
    randomizeSlopes(model);
    cases[`module ${name}`] = { model, inputs: rows6, traced: 5, batches: [5, 1, 64] };
  }
  const reductions = (x: Tensor) => add(max(x, 1), logsumexp(x, 1));
  for (const opset of [13, 18, 21]) {
    cases[`opset ${opset}`] = {
      model: reductions,
      inputs: rows5,
      traced: 4,
      batches: [4, 7],
      options: { opset },
    };
  }
  cases['two inputs'] = {
    model: (a: Tensor, b: Tensor) => add(sum(mul(a, b)), sum(mean(a, 1))),
    inputs: (batch) => [randn([batch, 5], f32), randn([batch, 5], f32)],
    traced: 3,
    batches: [3, 6],
  };
  cases['mean over the batch (fixed batch)'] = {
    model: (x: Tensor) => mean(x, 0),
    inputs: rows5,
    traced: 4,
    batches: [4],
    options: { dynamicBatch: false },
  };
  cases.float64 = {
    model: (x: Tensor) => tanh(matmul(x, w58.to('float64'))),
    inputs: (batch) => [randn([batch, 5], { rng })],
    traced: 3,
    batches: [3, 8],
  };
  cases['registered rule (softplus)'] = {
    model: (x: Tensor) => add(softplus(x), 1),
    inputs: rows5,
    traced: 2,
    batches: [2, 7],
  };
  cases['named input and output'] = {
    model: MODELS.Tanh!(),
    inputs: rows6,
    traced: 2,
    batches: [2, 3],
    options: { inputNames: ['pixels'], outputNames: ['scores'] },
  };
  cases['MNIST MLP 784-128-10'] = {
    model: new MLP([784, 128, 10], { rng }),
    inputs: (batch) => [rand([batch, 784], f32)],
    traced: 1,
    batches: [1, 64, 1024],
  };
  return cases;
}

/** The model's output in evaluation mode, as exportOnnx traces it. */
function forward(model: OnnxCase['model'], xs: Tensor[]): Tensor {
  if (typeof model === 'function') return model(...xs);
  model.eval();
  return model.forward(xs[0]!);
}

async function writeOnnx(out: string): Promise<OnnxEntry[]> {
  const entries: OnnxEntry[] = [];
  for (const [name, c] of Object.entries(onnxCases())) {
    const options: ExportOnnxOptions = { dynamicBatch: true, ...c.options };
    const file = `onnx/${slug(name)}.onnx`;
    await saveOnnx(join(out, file), c.model, c.inputs(c.traced), options);
    const tensors: Record<string, Tensor> = {};
    const runs: OnnxEntry['runs'] = [];
    for (const batch of c.batches) {
      const xs = c.inputs(batch);
      const inputNames =
        options.inputNames ?? (xs.length === 1 ? ['input'] : xs.map((_, i) => `input${i}`));
      const y = noGrad(() => forward(c.model, xs));
      const inputs: Record<string, string> = {};
      xs.forEach((x, i) => {
        inputs[inputNames[i]!] = `b${batch}.${inputNames[i]}`;
        tensors[`b${batch}.${inputNames[i]}`] = x;
      });
      tensors[`b${batch}.output`] = y;
      runs.push({
        batch,
        traced: batch === c.traced,
        inputs,
        outputName: options.outputNames?.[0] ?? 'output',
        output: `b${batch}.output`,
      });
    }
    const tensorFile = `onnx/${slug(name)}.safetensors`;
    await saveFile(tensors, join(out, tensorFile));
    entries.push({
      name,
      file,
      tensors: tensorFile,
      opset: options.opset ?? 17,
      dynamicBatch: options.dynamicBatch ?? false,
      runs,
    });
  }
  return entries;
}

/** PReLU slopes drawn at random, so that the round trip checks that they arrive. */
function randomizeSlopes(model: Module): void {
  noGrad(() => {
    for (const m of model.modules()) {
      if (m instanceof PReLU) m.weight.copy_(rand(m.weight.shape, f32).mul(0.5));
    }
  });
}

async function writeTorch(out: string): Promise<TorchEntry[]> {
  const entries: TorchEntry[] = [];
  for (const [name, make] of Object.entries(TORCH_MODELS)) {
    const model = make();
    randomizeSlopes(model);
    model.eval();
    const s = slug(name);
    const entry: TorchEntry = {
      name,
      ...torchSpec(model),
      weights: `torch/${s}.safetensors`,
      probe: `torch/${s}.probe.safetensors`,
      torchWeights: `torch/${s}.from-torch.safetensors`,
      torchProbe: `torch/${s}.from-torch.probe.safetensors`,
      ...(DDP_MODELS.includes(name)
        ? { ddpWeights: `ddp/${s}.trained.safetensors`, ddpResult: `ddp/${s}.result.safetensors` }
        : {}),
    };
    await saveFile(model, join(out, entry.weights));
    const input = randn([7, 6], f32);
    const output = noGrad(() => model.forward(input));
    await saveFile({ input, output }, join(out, entry.probe));
    entries.push(entry);
  }
  return entries;
}

async function writeDdpData(out: string): Promise<DdpConfig> {
  const config: DdpConfig = {
    data: 'ddp/data.safetensors',
    classes: 3,
    steps: 8,
    lr: 0.1,
    momentum: 0.9,
    worldSize: 2,
  };
  // labels a linear rule gives (a learnable problem): the largest of 3 random projections
  const x = randn([64, 6], f32);
  const y = matmul(x, randn([6, config.classes], f32)).argmax(1);
  await saveFile({ x, y }, join(out, config.data));
  return config;
}

async function main(): Promise<void> {
  const out = process.argv[2] ?? join('out', 'interop');
  rmSync(out, { recursive: true, force: true });
  for (const dir of ['onnx', 'torch', 'ddp']) mkdirSync(join(out, dir), { recursive: true });
  const manifest: Manifest = {
    onnx: await writeOnnx(out),
    torch: await writeTorch(out),
    ddp: await writeDdpData(out),
  };
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(
    `export.ts: ${manifest.onnx.length} ONNX models, ${manifest.torch.length} torch.nn models, DDP data → ${out}`,
  );
}

await main();
