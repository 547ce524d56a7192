// Activation functions (cs231n, "Commonly used activation functions"): the same deep network
// with sigmoid, tanh, ReLU, Leaky ReLU, PReLU and Maxout units, trained on the spiral by the
// same gradient descent. Loss curves side by side, then dead and saturated units per layer.
import { join } from 'node:path';
import { noGrad, tensor } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import { decisionRegions, linePlot, panels, writePng } from '@tapegrad/viz/node';
import {
  ACTIVATIONS,
  type ActivationChoice,
  healthTable,
  type TrainResult,
  trainWithActivation,
} from './core/activations.js';
import { parseOptions } from './lib/cli.js';
import { progress } from './lib/progress.js';
import { formatTable, indent } from './lib/table.js';

const opts = parseOptions({
  name: 'activations',
  description: 'one deep network, six activation functions: loss curves and dead/saturated units',
  defaults: { iterations: 600, hidden: 32, lr: 0.05 },
  extra: {
    depth: { default: 5, description: 'hidden layers', integer: true, min: 'positive' },
    momentum: { default: 0.9, description: 'SGD momentum', min: 'nonNegative' },
  },
});

const data = spiral({ seed: opts.seed });
const bar = progress({ total: ACTIVATIONS.length * opts.iterations, label: 'activations' });
const results = new Map<ActivationChoice, TrainResult>();
for (const activation of ACTIVATIONS) {
  results.set(
    activation,
    trainWithActivation(data, {
      activation,
      width: opts.hidden,
      depth: opts.depth,
      iterations: opts.iterations,
      lr: opts.lr,
      momentum: opts.momentum,
      seed: opts.seed,
      onStep: (_, loss) => bar.tick({ loss }),
    }),
  );
}
bar.stop();

const sizes = [2, ...new Array<number>(opts.depth).fill(opts.hidden), 3].join('-');
console.log(
  `spiral (${data.y.length} points, 3 classes), a ${sizes} network, ${opts.iterations} steps of SGD (lr ${opts.lr}, momentum ${opts.momentum})`,
);
const checkpoints = [0, 50, 100, 200, opts.iterations - 1].filter(
  (i, k, all) => i < opts.iterations && all.indexOf(i) === k,
);
const head = ['activation', ...checkpoints.map((i) => `loss@${i}`), 'accuracy'];
const rows = [head];
for (const [name, r] of results) {
  rows.push([
    name,
    ...checkpoints.map((i) => r.losses[i]!.toFixed(3)),
    `${(r.accuracy * 100).toFixed(1)}%`,
  ]);
}
console.log(indent(formatTable(rows)));
console.log(`(chance: loss ln 3 = ${Math.log(3).toFixed(3)}, accuracy 33.3%)`);

console.log('\ngradient norm of each layer’s weights at the first step (input layer first):');
const layerCount = results.get('relu')!.firstGradNorms.length;
const gradRows = [['activation', ...Array.from({ length: layerCount }, (_, i) => `W${i + 1}`)]];
for (const [name, r] of results) {
  gradRows.push([name, ...r.firstGradNorms.map((g) => g.toExponential(1))]);
}
console.log(indent(formatTable(gradRows)));
console.log(
  '  sigmoid passes back at most 1/4 of the gradient per layer (σ′ ≤ 1/4): W1 hears little.',
);

console.log('\ntraining health after training, one forward pass over all the data:');
console.log('  dead: units whose input was ≤ 0 on every sample (a dead ReLU gets no gradient);');
console.log('  sat.: outputs in the flat tails (sigmoid < 0.01 or > 0.99, |tanh| > 0.99)');
const table = healthTable(new Map([...results].map(([name, r]) => [name, r.health])));
console.log(indent(table));
console.log('  (maxout keeps no such statistics: the max of two linear pieces has no flat side)');

const lossFile = await writePng(
  join(opts.out, 'loss.png'),
  linePlot(
    [...results].map(([name, r]) => ({ name, y: r.losses })),
    {
      title: `training loss, ${sizes} network`,
      xTitle: 'iteration',
      yTitle: 'loss',
      logY: true,
      // room above the curves for the legend (the sigmoid network's stays at ln 3)
      yDomain: [0.008, 50],
      legend: 'top-right',
      width: 560,
      height: 400,
    },
  ),
);
console.log(`\nwrote ${lossFile}`);

const points = data.x.toTypedArray();
const regions = [...results].map(([name, r]) => {
  const classify = (grid: Float64Array) =>
    noGrad(() =>
      r.model
        .forward(tensor(Float32Array.from(grid), { shape: [grid.length / 2, 2] }))
        .argmax(1)
        .toTypedArray(),
    );
  return decisionRegions(classify, points, data.y, {
    resolution: 120,
    width: 240,
    height: 240,
    title: `${name}: ${(r.accuracy * 100).toFixed(0)}%`,
  });
});
const regionsFile = await writePng(
  join(opts.out, 'regions.png'),
  panels(regions, { cols: 3, title: `decision regions after ${opts.iterations} steps` }),
);
console.log(`wrote ${regionsFile}`);
