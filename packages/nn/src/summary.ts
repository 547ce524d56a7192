// summary(): a table of a module's layers, their output shapes on a sample input, and
// their parameter counts, with the total — the function form of `Module.summary()`.
import type { Tensor } from '@tapegrad/core';
import { checkModule, type Module } from './module.js';

/**
 * A table of `module`'s layers (dotted name, type, output shape, parameters owned) and the
 * total; the same as `module.summary(...sampleInputs)`. With sample inputs, one forward pass
 * gives the output shapes; it runs in eval mode without recording, and leaves modes and
 * activation statistics as they were.
 *
 * @example
 * console.log(summary(new MLP([3, 4, 2]), randn([8, 3])));
 * // Layer   Type            Output shape  Params
 * // (root)  MLP(3 → 4 → 2)  [8,2]              0
 * // 0       Linear(3 → 4)   [8,4]             16
 * // 1       ReLU            [8,4]              0
 * // 2       Linear(4 → 2)   [8,2]             10
 * // Total parameters: 26 (trainable: 26)
 */
export function summary(module: Module, ...sampleInputs: Tensor[]): string {
  checkModule('summary', 'module', module);
  return module.summary(...sampleInputs);
}
