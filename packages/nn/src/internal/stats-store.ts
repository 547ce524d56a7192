// Where activation statistics live: one entry per module, written by the health hooks and
// read by activationStats(). Outside the modules, so that summary() can save and restore
// them around its sample pass, and a leaf, so that module.ts imports it without a cycle.
import type { ActivationStats } from '../activation-stats.js';

const byModule = new WeakMap<object, ActivationStats>();

/** The statistics recorded for `module`'s last measured forward pass; null if none. */
export function statsOf(module: object): ActivationStats | null {
  return byModule.get(module) ?? null;
}

/** Record (or, with null, forget) `module`'s statistics. */
export function setStats(module: object, stats: ActivationStats | null): void {
  if (stats === null) byModule.delete(module);
  else byModule.set(module, stats);
}
