// A two-layer network on real handwritten digits: minibatch SGD with momentum and L2 weight
// decay, accuracy on held-out digits, and the weights' round trip through a safetensors file.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { noGrad, Rng, type Tensor } from '@tapegrad/core';
import { DataLoader, type Dataset } from '@tapegrad/datasets';
import { MLP, softmaxCrossEntropy } from '@tapegrad/nn';
import { loadFile, saveFile } from '@tapegrad/nn/node';
import { SGD } from '@tapegrad/optim';

/**
 * `MLP([inputs, hidden, classes])` with ReLU units and He initialization, drawn from `seed`.
 *
 * @example
 * buildClassifier(784, 100, 10, 0).numParameters(); // 79,510
 */
export function buildClassifier(inputs: number, hidden: number, classes: number, seed: number) {
  return new MLP([inputs, hidden, classes], { rng: new Rng(seed) });
}

/**
 * How {@link trainClassifier} trains.
 *
 * @example
 * const options: TrainOptions = { hidden: 100, epochs: 10, batchSize: 64, lr: 0.05, momentum: 0.9, lambda: 1e-4, seed: 0 };
 */
export interface TrainOptions {
  hidden: number;
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  /** L2 strength on the weights (not the biases), as SGD's weight decay. */
  lambda: number;
  /** Seeds the initial weights and the order of the minibatches. */
  seed: number;
  /** Measure the train accuracy after each epoch on the first this many samples (all by default). */
  trainAccuracyOn?: number;
  /** Called after every minibatch with its loss. */
  onBatch?: (loss: number) => void;
  /** Called after every epoch (from 0) with the train and test accuracy. */
  onEpoch?: (epoch: number, trainAccuracy: number, testAccuracy: number) => void;
}

/**
 * A trained classifier with its history.
 *
 * @example
 * const { model, testAccuracy } = trainClassifier(train, test, options);
 */
export interface TrainResult {
  model: MLP;
  /** The loss of every minibatch, in order. */
  losses: number[];
  /** Accuracy on the training and test sets after each epoch. */
  trainAccuracy: number[];
  testAccuracy: number[];
}

/**
 * Trains a two-layer ReLU network by minibatch SGD on `train` (rows of pixels, labels 0…9);
 * after each epoch, measures the accuracy on `train` and `test`. The loop is the notes':
 * forward, loss, zeroGrad, backward, step.
 *
 * @example
 * const { train, test } = loadMnist({ seed: 0 });
 * trainClassifier(train, test, options).testAccuracy.at(-1); // ~0.96
 */
export function trainClassifier(
  train: Dataset<Int32Array>,
  test: Dataset<Int32Array>,
  options: TrainOptions,
): TrainResult {
  const classes = Math.max(...train.y) + 1;
  const model = buildClassifier(train.x.shape[1]!, options.hidden, classes, options.seed);
  // L2 regularization on the weights only: the notes leave the biases alone.
  const params = model.namedParameters();
  const optimizer = new SGD(
    [
      { params: params.filter(([n]) => n.endsWith('weight')).map(([, p]) => p) },
      { params: params.filter(([n]) => n.endsWith('bias')).map(([, p]) => p), weightDecay: 0 },
    ],
    { lr: options.lr, momentum: options.momentum, weightDecay: options.lambda },
  );
  const loader = new DataLoader(train, {
    batchSize: options.batchSize,
    shuffle: true,
    seed: options.seed,
  });

  const result: TrainResult = { model, losses: [], trainAccuracy: [], testAccuracy: [] };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (const { x, y } of loader) {
      const loss = softmaxCrossEntropy(model.forward(x), y);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      result.losses.push(loss.item());
      options.onBatch?.(loss.item());
    }
    result.trainAccuracy.push(evaluate(model, train, options.trainAccuracyOn).accuracy);
    result.testAccuracy.push(evaluate(model, test).accuracy);
    options.onEpoch?.(epoch, result.trainAccuracy.at(-1)!, result.testAccuracy.at(-1)!);
  }
  return result;
}

/**
 * The model's predicted classes on `data` (its first `limit` samples, if given) and the
 * fraction that are right: forward passes without recording, in eval mode.
 *
 * @example
 * evaluate(model, test).accuracy; // 0.95
 */
export function evaluate(
  model: MLP,
  data: Dataset<Int32Array>,
  limit = data.y.length,
): { predicted: Int32Array; accuracy: number } {
  const n = Math.min(limit, data.y.length);
  const predicted = new Int32Array(n);
  model.eval();
  // in chunks, so that a large set never needs one huge activation matrix
  for (let start = 0; start < n; start += 5000) {
    const end = Math.min(n, start + 5000);
    const scores: Tensor = noGrad(() => model.forward(data.x.slice(0, start, end)));
    predicted.set(scores.argmax(1).toTypedArray(), start);
  }
  model.train();
  let right = 0;
  for (let i = 0; i < n; i++) if (predicted[i] === data.y[i]) right++;
  return { predicted, accuracy: right / n };
}

/**
 * Saves `model`'s weights to a safetensors file at `path` (creating its folder), then loads them into a fresh
 * network of the same shape (different random initial weights) and returns it.
 *
 * @example
 * const copy = await saveAndReload(model, 'out/mnist/mlp.safetensors');
 * evaluate(copy, test).accuracy === evaluate(model, test).accuracy; // true
 */
export async function saveAndReload(model: MLP, path: string): Promise<MLP> {
  mkdirSync(dirname(path), { recursive: true });
  await saveFile(model, path, { metadata: { sizes: model.sizes.join(',') } });
  const [inputs, hidden, classes] = model.sizes as [number, number, number];
  const fresh = buildClassifier(inputs, hidden, classes, 12345);
  fresh.loadStateDict(await loadFile(path));
  return fresh;
}
