// Modules learn: a single neuron separates two blobs with the logistic loss; an MLP with
// tanh learns XOR. Plain gradient descent, written out.
import { noGrad, Rng, tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossEntropyWithLogits,
  MLP,
  type Module,
  mseLoss,
  Neuron,
  softmaxCrossEntropy,
} from '../src/index.js';

function sgdStep(model: Module, lr: number): void {
  noGrad(() => {
    for (const p of model.parameters()) p.sub_(p.grad!, lr);
  });
  model.zeroGrad();
}

describe('training', () => {
  it('a single Neuron learns a linearly separable 2-D set with the logistic loss', () => {
    const rng = new Rng(0);
    const points: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 100; i++) {
      const y = i % 2;
      const c = y === 1 ? 1.5 : -1.5;
      points.push([c + 0.5 * rng.normal(), -c + 0.5 * rng.normal()]);
      labels.push(y);
    }
    const x = tensor(points);
    const neuron = new Neuron(2, { rng: new Rng(1) });
    const first = binaryCrossEntropyWithLogits(neuron.preActivation(x), labels).item();
    let loss = first;
    for (let step = 0; step < 100; step++) {
      const l = binaryCrossEntropyWithLogits(neuron.preActivation(x), labels);
      l.backward();
      sgdStep(neuron, 0.5);
      loss = l.item();
    }
    expect(loss).toBeLessThan(0.05);
    expect(loss).toBeLessThan(first / 5);
    const p = Array.from(neuron.forward(x).toTypedArray()); // firing rates: P(class 1)
    const accuracy = p.filter((v, i) => (v > 0.5 ? 1 : 0) === labels[i]).length / p.length;
    expect(accuracy).toBe(1);
  });

  it('MLP([2, 16, 1]) with tanh learns XOR', () => {
    const x = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = [0, 1, 1, 0];
    const net = new MLP([2, 16, 1], { activation: 'tanh', rng: new Rng(2) });
    for (let step = 0; step < 300; step++) {
      binaryCrossEntropyWithLogits(net.forward(x), y).backward();
      sgdStep(net, 0.5);
    }
    const logits = Array.from(net.forward(x).toTypedArray());
    expect(logits.map((z) => (z > 0 ? 1 : 0))).toEqual(y);
    expect(binaryCrossEntropyWithLogits(net.forward(x), y).item()).toBeLessThan(0.1);
  });

  it('an MLP regresses with mseLoss and classifies with softmaxCrossEntropy', () => {
    const x = tensor([[-1], [-0.5], [0], [0.5], [1]]);
    const reg = new MLP([1, 8, 1], { activation: 'tanh', rng: new Rng(3) });
    const target = [1, 0.25, 0, 0.25, 1]; // x²
    for (let step = 0; step < 500; step++) {
      mseLoss(reg.forward(x), target).backward();
      sgdStep(reg, 0.2);
    }
    expect(mseLoss(reg.forward(x), target).item()).toBeLessThan(0.01);
    const cls = new MLP([1, 8, 3], { rng: new Rng(4) });
    const labels = [0, 0, 1, 2, 2];
    for (let step = 0; step < 300; step++) {
      softmaxCrossEntropy(cls.forward(x), labels).backward();
      sgdStep(cls, 0.5);
    }
    expect(Array.from(cls.forward(x).argmax(1).toTypedArray())).toEqual(labels);
  });
});
