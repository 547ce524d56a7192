// Training health: the dead ReLUs and saturated sigmoid/tanh units the notes warn about,
// reported per layer, and turned on or off for a whole network.
import { Activation } from './activation.js';
import { checkBoolean } from './internal/args.js';
import { formatTable } from './internal/table.js';
import { checkModule, type Module } from './module.js';

/**
 * Turn health tracking on (the default) or off for every activation layer of `module`
 * (itself included). Off removes each layer's health hook — forward passes then cost nothing
 * extra, as in a long training loop — and forgets the layers' statistics; on registers the
 * hooks again, and the next forward pass measures.
 *
 * @example
 * trackHealth(model, false);      // train at full speed
 * for (const batch of loader) step(batch);
 * trackHealth(model, true);
 * model.forward(xVal);
 * console.log(healthReport(model));
 */
export function trackHealth(module: Module, enabled = true): void {
  checkModule('trackHealth', 'module', module);
  checkBoolean('trackHealth', 'enabled', enabled);
  for (const m of module.modules()) if (m instanceof Activation) m.trackHealth(enabled);
}

/**
 * A table of every activation layer's health after the last forward pass: dead units for
 * rectifiers, saturated units (and outputs) for sigmoid and tanh.
 *
 * An activation layer whose tracking was turned off has no statistics, and a report is
 * what asked for them: `healthReport` turns tracking back on for those layers (the next
 * forward pass measures them) and says so under the table. Turn it off again with
 * `trackHealth(module, false)`.
 *
 * @example
 * model.forward(xBatch);
 * console.log(healthReport(model));
 * // layer  activation  units  dead    saturated  saturated outputs
 * // 1      relu        100    12.0%   —          —
 */
export function healthReport(module: Module): string {
  checkModule('healthReport', 'module', module);
  const resumed: string[] = [];
  for (const [name, m] of module.namedModules()) {
    if (m instanceof Activation && m.kind !== null && !m.tracksHealth) {
      m.trackHealth(true);
      resumed.push(name === '' ? '(self)' : name);
    }
  }
  const note =
    resumed.length === 0
      ? []
      : [
          `health tracking was off for ${resumed.join(', ')}: turned back on, the next forward pass measures ${resumed.length === 1 ? 'it' : 'them'}`,
        ];
  const stats = module.activationStats();
  if (stats.size === 0) {
    return ['no activation statistics yet: run a forward pass first', ...note].join('\n');
  }
  const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
  const rows = [['layer', 'activation', 'units', 'dead', 'saturated', 'saturated outputs']];
  for (const [name, s] of stats) {
    rows.push([
      name === '' ? '(self)' : name,
      s.activation,
      String(s.units),
      pct(s.dead),
      pct(s.saturated),
      pct(s.saturatedOutputs),
    ]);
  }
  return [...formatTable(rows), ...note].join('\n');
}
