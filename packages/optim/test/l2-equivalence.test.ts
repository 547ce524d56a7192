// L2 regularization two ways: `weightDecay: λ` on the weights' group, and ½·λ·‖W‖² written
// into the loss. Same seed, same data, same minibatches: the same parameters after training.
import { Rng, randn, type Tensor } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { SGD } from '../src/index.js';
import { expectClose, values } from './helpers.js';

const LAMBDA = 0.05;

/** A 4-8-1 tanh MLP with weights from `seed`, and a fixed regression data set. */
function setup(seed: number) {
  const rng = new Rng(seed);
  const opts = { rng, dtype: 'float64' as const };
  const w1 = randn([4, 8], opts).mul(0.5).detach().requiresGrad_();
  const b1 = randn([8], opts).mul(0.1).detach().requiresGrad_();
  const w2 = randn([8, 1], opts).mul(0.5).detach().requiresGrad_();
  const b2 = randn([1], opts).mul(0.1).detach().requiresGrad_();
  const data = new Rng(99);
  const x = randn([32, 4], { rng: data, dtype: 'float64' });
  const y = x
    .slice(1, 0, 1)
    .mul(2)
    .sub(x.slice(1, 2, 3))
    .tanh(); // a smooth target
  return { w1, b1, w2, b2, x, y };
}

type Net = ReturnType<typeof setup>;

/** Mean squared error on minibatch `i` (8 rows) of the data. */
function dataLoss(net: Net, i: number): Tensor {
  const x = net.x.slice(0, 8 * i, 8 * i + 8);
  const y = net.y.slice(0, 8 * i, 8 * i + 8);
  const h = x.matmul(net.w1).add(net.b1).tanh();
  return h.matmul(net.w2).add(net.b2).sub(y).pow(2).mean();
}

/** Train for 40 steps; `inLoss` adds ½·λ·(‖W₁‖² + ‖W₂‖²) to the loss instead of weight decay. */
function train(
  inLoss: boolean,
  lambda: number,
  options: { momentum?: number; nesterov?: boolean },
) {
  const net = setup(7);
  const weights = [net.w1, net.w2];
  const biases = [net.b1, net.b2];
  const opt = new SGD([{ params: weights, weightDecay: inLoss ? 0 : lambda }, { params: biases }], {
    lr: 0.1,
    ...options,
  });
  for (let step = 0; step < 40; step++) {
    opt.zeroGrad();
    let loss = dataLoss(net, step % 4);
    if (inLoss) {
      const l2 = net.w1.pow(2).sum().add(net.w2.pow(2).sum());
      loss = loss.add(l2.mul(0.5 * lambda));
    }
    loss.backward();
    opt.step();
  }
  return [...weights, ...biases].map(values);
}

describe('weightDecay is L2 regularization', () => {
  for (const options of [{}, { momentum: 0.9 }, { momentum: 0.9, nesterov: true }]) {
    it(`gives the parameters of ½·λ·‖W‖² in the loss (${JSON.stringify(options)})`, () => {
      const decayed = train(false, LAMBDA, options);
      const penalized = train(true, LAMBDA, options);
      decayed.forEach((p, i) => {
        expectClose(p, penalized[i]!, 1e-10);
      });
      // …and it did something: the weights end smaller than without regularization.
      const free = train(false, 0, options);
      const norm = (ps: number[][]) => Math.hypot(...ps[0]!, ...ps[1]!);
      expect(norm(decayed)).toBeLessThan(0.97 * norm(free));
    });
  }
});
