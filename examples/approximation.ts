// Universal approximation (cs231n, "Representational power"): one hidden layer of N sigmoid
// or ReLU units fits a continuous function (sin) and a step; the error falls as N grows.
import { join } from 'node:path';
import { classColor, linePlot, panels, type Series, writePng } from '@tapegrad/viz/node';
import { type Fit, fitOneHiddenLayer } from './core/approximation.js';
import { parseOptions } from './lib/cli.js';
import { progress } from './lib/progress.js';
import { formatTable, indent } from './lib/table.js';

const opts = parseOptions({
  name: 'approximation',
  description: 'one hidden layer of N sigmoid/ReLU units fitting sin and a step, for several N',
  defaults: { iterations: 3000, hidden: [1, 3, 10, 50], lr: 0.05 },
  extra: {
    points: {
      default: 200,
      description: 'samples of each function over [-π, π]',
      integer: true,
      min: 'positive',
    },
  },
});

const functions = ['sin', 'step'] as const;
const activations = ['sigmoid', 'relu'] as const;
const runs = functions.length * activations.length * opts.hidden.length;
const bar = progress({ total: runs * opts.iterations, label: 'approximation' });

const fits = new Map<string, Fit>();
const key = (fn: string, activation: string, n: number) => `${fn}/${activation}/${n}`;
for (const fn of functions) {
  for (const activation of activations) {
    for (const hidden of opts.hidden) {
      const fit = fitOneHiddenLayer({
        fn,
        activation,
        hidden,
        iterations: opts.iterations,
        lr: opts.lr,
        seed: opts.seed,
        points: opts.points,
        onStep: (i, loss) => {
          if ((i + 1) % 100 === 0 || i + 1 === opts.iterations) {
            bar.tick({ loss }, (i % 100) + 1);
          }
        },
      });
      fits.set(key(fn, activation, hidden), fit);
    }
  }
}
bar.stop();

console.log(
  `one hidden layer of N units, ${opts.iterations} iterations of Adam (lr ${opts.lr}, cosine decay)`,
);
console.log(`mean squared error on ${opts.points} samples over [-π, π]:`);
const rows = [['function', 'N', ...activations]];
for (const fn of functions) {
  for (const n of opts.hidden) {
    rows.push([
      fn,
      String(n),
      ...activations.map((a) => fits.get(key(fn, a, n))!.mse.toExponential(2)),
    ]);
  }
}
console.log(indent(formatTable(rows)));
console.log(
  'sin: the error falls as N grows — more units, more bumps (sigmoid) or kinks (ReLU) to follow the curve.',
);
console.log(
  'step: a few units already make one steep rise; what is left is at the jump, where the fit must',
);
console.log(
  'rise from 0 to 1 between two samples: it needs steeper units (more iterations), not more.',
);

const pictures = [];
for (const fn of functions) {
  for (const activation of activations) {
    const first = fits.get(key(fn, activation, opts.hidden[0]!))!;
    const series: Series[] = [
      { name: 'target', x: first.x, y: first.target, style: 'points', color: '#969696' },
      ...opts.hidden.map((n, k) => ({
        name: `N = ${n}`,
        x: first.x,
        y: fits.get(key(fn, activation, n))!.fit,
        color: classColor(k),
      })),
    ];
    pictures.push(
      linePlot(series, { xTitle: 'x', yTitle: 'y', title: `${fn}, ${activation} units` }),
    );
  }
}
const file = await writePng(
  join(opts.out, 'fits.png'),
  panels(pictures, { cols: 2, title: 'one hidden layer of N units: target vs fit' }),
);
console.log(`wrote ${file}`);
