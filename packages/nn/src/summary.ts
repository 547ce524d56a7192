// summary(): a table of a module's layers, their output shapes on a sample input, and
// their parameter counts, with the total.
import { noGrad, type Tensor } from '@tapegrad/core';
import { withoutStats } from './internal/stats-switch.js';
import { fmtShape } from './internal/values.js';
import { type Module, ownParameters, walkModules } from './module.js';
import type { Parameter } from './parameter.js';

/** Run `fn` with every module's forward wrapped to record its output shape. */
function recordShapes(root: Module, fn: () => void): Map<Module, readonly number[]> {
  const shapes = new Map<Module, readonly number[]>();
  const restore: (() => void)[] = [];
  for (const { module } of walkModules(root)) {
    const own = Object.getOwnPropertyDescriptor(module, 'forward');
    const original = module.forward;
    module.forward = (...inputs: Tensor[]): Tensor => {
      const y = original.apply(module, inputs);
      shapes.set(module, y.shape);
      return y;
    };
    restore.push(() => {
      if (own === undefined) delete (module as { forward?: unknown }).forward;
      else Object.defineProperty(module, 'forward', own);
    });
  }
  try {
    fn();
  } finally {
    for (const undo of restore) undo();
  }
  return shapes;
}

function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A table of `module`'s layers (dotted name, type, output shape, parameters owned) and the
 * total. With sample inputs, one forward pass gives the output shapes; it runs in eval mode
 * without recording, and leaves modes and activation statistics as they were.
 *
 * @example
 * console.log(summary(new MLP([3, 4, 2]), randn([8, 3])));
 * // Layer     Type           Output shape  Params
 * // (root)    MLP            [8,2]              0
 * // layers.0  Linear(3 → 4)  [8,4]             16
 * // layers.1  ReLU           [8,4]              0
 * // layers.2  Linear(4 → 2)  [8,2]             10
 * // Total parameters: 26 (trainable: 26)
 */
export function summary(module: Module, ...sampleInputs: Tensor[]): string {
  let shapes = new Map<Module, readonly number[]>();
  if (sampleInputs.length > 0) {
    const entries = walkModules(module);
    const modes = entries.map((e) => e.module.training);
    try {
      module.eval();
      shapes = recordShapes(module, () => {
        noGrad(() => withoutStats(() => module.forward(...sampleInputs)));
      });
    } finally {
      entries.forEach((e, i) => {
        e.module.training = modes[i]!;
      });
    }
  }
  const seen = new Set<Parameter>();
  const rows: string[][] = [['Layer', 'Type', 'Output shape', 'Params']];
  for (const { name, module: m } of walkModules(module)) {
    let own = 0;
    for (const p of ownParameters(m)) {
      if (seen.has(p)) continue;
      seen.add(p);
      own += p.size;
    }
    const shape = shapes.get(m);
    rows.push([
      name === '' ? '(root)' : name,
      m.toString(),
      shape === undefined ? '—' : fmtShape(shape),
      grouped(own),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string =>
    r.map((cell, c) => (c === 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ');
  const params = module.parameters();
  const total = params.reduce((n, p) => n + p.size, 0);
  const trainable = params.reduce((n, p) => n + (p.requiresGrad ? p.size : 0), 0);
  return [
    ...rows.map(line),
    `Total parameters: ${grouped(total)} (trainable: ${grouped(trainable)})`,
  ].join('\n');
}
