// The hand-off, step 3 of 3: the weights PyTorch trained (train_ddp.py) come back into
// tapegrad's MLP with a strict load; their test accuracy, next to the accuracy before the
// hand-off; then the network is exported to ONNX for serving and run in ONNX Runtime.
//   out/handoff/torch.safetensors   from train_ddp.py (--weights to read another file)
//   out/handoff/mlp.onnx            written here: input `pixels` [batch, 784], output `logits`
import { join } from 'node:path';
import { noGrad } from '@tapegrad/core';
import { loadMnist } from '@tapegrad/datasets/node';
import type { MLP } from '@tapegrad/nn';
import { loadFileWithMetadata } from '@tapegrad/nn/node';
import { saveOnnx } from '@tapegrad/onnx/node';
import * as ort from 'onnxruntime-node';
import { buildClassifier, evaluate } from '../core/mnist.js';
import { parseOptions } from '../lib/cli.js';

const opts = parseOptions({
  name: 'handoff',
  description: 'hand-off step 3: the weights PyTorch trained, back in tapegrad, then ONNX',
  extra: {
    weights: { default: '', description: 'the trained weights (default: <out>/torch.safetensors)' },
  },
  defaults: {},
});

const { test } = loadMnist({ seed: opts.seed });

/** A tapegrad MLP with the weights of a safetensors file, loaded strictly, and its metadata. */
async function load(path: string): Promise<{ model: MLP; metadata: Record<string, string> }> {
  const { tensors, metadata } = await loadFileWithMetadata(path);
  const [hidden, inputs] = tensors.get('0.weight')!.shape as [number, number];
  const model = buildClassifier(inputs, hidden, tensors.get('2.weight')!.shape[0]!, opts.seed);
  model.loadStateDict(tensors, { strict: true });
  return { model, metadata };
}

const before = evaluate((await load(join(opts.out, 'tapegrad.safetensors'))).model, test);
const weights = opts.weights || join(opts.out, 'torch.safetensors');
const { model, metadata } = await load(weights);
const after = evaluate(model, test);
console.log(`tapegrad loaded ${weights} (strict): ${model.sizes.join('-')} network`);
console.log(`test accuracy before the hand-off (tapegrad): ${pct(before.accuracy)}`);
console.log(`test accuracy after the hand-off:             ${pct(after.accuracy)}`);
if (metadata.test_accuracy !== undefined) {
  const theirs = Number(metadata.test_accuracy);
  console.log(
    `${metadata.trained_by ?? 'its trainer'} measured ${pct(theirs)} on the same digits with these weights`,
  );
  // both compute in float32; a digit whose two best logits are within rounding may flip
  if (Math.abs(theirs - after.accuracy) * test.y.length > 1) {
    throw new Error(
      'handoff: tapegrad and the trainer disagree on the accuracy of the same weights',
    );
  }
}
if (after.accuracy < before.accuracy) {
  throw new Error('handoff: the network came back less accurate than it left');
}

// Serving: the network as an ONNX file, run by ONNX Runtime at any batch size.
const onnxFile = join(opts.out, 'mlp.onnx');
await saveOnnx(onnxFile, model, test.x.slice(0, 0, 1), {
  dynamicBatch: true,
  inputNames: ['pixels'],
  outputNames: ['logits'],
});
const session = await ort.InferenceSession.create(onnxFile);
const n = test.y.length;
const pixels = new ort.Tensor('float32', test.x.toTypedArray() as Float32Array, [n, 784]);
const logits = (await session.run({ pixels })).logits!.data as Float32Array;
const ours = noGrad(() => model.forward(test.x)).toTypedArray();
let maxDiff = 0;
let same = 0;
let flipped = 0; // predictions that differ where tapegrad's two best logits are not a near-tie
for (let i = 0; i < n; i++) {
  const row = (a: Float32Array | Float64Array) => Array.from(a.subarray(10 * i, 10 * i + 10));
  const [theirs, mine] = [row(logits), row(ours)];
  theirs.forEach((v, k) => {
    maxDiff = Math.max(maxDiff, Math.abs(v - mine[k]!));
  });
  if (theirs.indexOf(Math.max(...theirs)) === after.predicted[i]) same++;
  else {
    const [first, second] = [...mine].sort((a, b) => b - a);
    if (first! - second! > 1e-4) flipped++;
  }
}
console.log(
  `exported ${onnxFile}; ONNX Runtime ${ort.env.versions.common} on the ${n} test digits: ${same} of ${n} predictions as tapegrad's, logits within ${maxDiff.toExponential(1)}`,
);
if (flipped > 0) throw new Error('handoff: ONNX Runtime predicts differently from tapegrad');

function pct(a: number): string {
  return `${(100 * a).toFixed(2)}%`;
}
