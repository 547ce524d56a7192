// One training step of the case study's 2-layer net (examples/case-study.ts): the spiral's
// 300 points, 2 → 100 → 3 with ReLU, softmax cross-entropy, full-batch SGD with weight decay.
// What `pnpm demo` repeats 10,000 times, so a change to a kernel shows up here.
import { Rng } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import { Linear, ReLU, Sequential, softmaxCrossEntropy } from '@tapegrad/nn';
import { SGD } from '@tapegrad/optim';
import { type Bench, fmt, time } from './lib/harness.js';

export const bench: Bench = () => {
  const rng = new Rng(0);
  const data = spiral({ classes: 3, pointsPerClass: 100, rng });
  const first = new Linear(2, 100, { init: 'small', rng });
  const second = new Linear(100, 3, { init: 'small', rng });
  const model = new Sequential(first, new ReLU(), second);
  const optimizer = new SGD(
    [
      { params: [first.weight, second.weight], weightDecay: 1e-3 },
      { params: [first.bias!, second.bias!], weightDecay: 0 },
    ],
    { lr: 1 },
  );
  const forward = () => softmaxCrossEntropy(model.forward(data.x), data.y);
  const step = () => {
    const loss = forward();
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  };
  const options = { warmup: 300, minRuns: 300, maxRuns: 5000, minTimeMs: 1000 };
  const fwd = time(forward, options).medianMs * 1e3;
  const both = time(step, options).medianMs * 1e3;
  return [
    {
      title: 'case study: one full-batch step of the 2-layer net (300×2 → 100 → 3)',
      columns: ['graph', 'fwd µs', 'fwd+bwd+step µs'],
      rows: [['2-layer ReLU net, softmax cross-entropy, SGD', fmt(fwd, 0), fmt(both, 0)]],
      notes: [
        'float32, as in `pnpm demo`; medians of repeated steps after warm-up.',
        'the products: [300,2]@[2,100], [300,100]@[100,3], and their backward ones with transposes.',
      ],
    },
  ];
};
