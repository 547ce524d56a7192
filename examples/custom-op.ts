// Adding an op: softplus, written with the op kit in a dozen lines (core/softplus.ts), checked
// against central differences with gradcheck, and used as the activation of the notes'
// 2-layer net on the spiral in place of ReLU.
import { gradcheck, Rng, tensor } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import { Linear, Sequential } from '@tapegrad/nn';
import { train } from './core/case-study.js';
import { Softplus, softplus } from './core/softplus.js';
import { parseOptions } from './lib/cli.js';

const opts = parseOptions({
  name: 'custom-op',
  description: 'a new op (softplus) written with the op kit, checked, and trained on the spiral',
  defaults: { iterations: 2000, hidden: 100, lambda: 1e-3, lr: 1 },
});

// 1. The op computes what it should, stably at both ends.
const x = tensor([-100, -1, 0, 1, 100], { dtype: 'float64' });
console.log(`softplus(${JSON.stringify(x.toArray())}) = ${JSON.stringify(softplus(x).toArray())}`);

// 2. Its gradient (and the gradient of its gradient) agree with central differences.
const rng = new Rng(opts.seed);
const probe = tensor([-3, -0.5, 0, 0.5, 3], { dtype: 'float64', requiresGrad: true });
const report = gradcheck((t) => softplus(t), [probe]);
console.log(
  `gradcheck: ${report.ok ? 'ok' : 'FAILED'} (max relative error ${report.maxRelError.toExponential(1)})`,
);

// 3. It trains: the notes' 2-layer net on the spiral, softplus in place of ReLU.
const data = spiral({ classes: 3, pointsPerClass: 100, rng });
const model = new Sequential(
  new Linear(2, opts.hidden, { init: 'small', rng }),
  new Softplus(),
  new Linear(opts.hidden, 3, { init: 'small', rng }),
);
const every = Math.max(1, Math.floor(opts.iterations / 4));
const { losses, accuracy } = train(model, data, {
  iterations: opts.iterations,
  lr: opts.lr,
  lambda: opts.lambda,
  onIteration: (i, loss) => {
    if (i % every === 0) console.log(`iteration ${i}: loss ${loss.toFixed(6)}`);
  },
});
console.log(`final loss ${losses[losses.length - 1]!.toFixed(6)}`);
console.log(
  `2-layer softplus net (${opts.hidden} hidden): training accuracy ${(100 * accuracy).toFixed(1)}%`,
);
