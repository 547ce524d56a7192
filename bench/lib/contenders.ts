// Timing several implementations of one case side by side: each contender prepares its
// inputs outside the timed region, then all run in alternation (one sample of each per
// round), so a change of machine load hits them alike and their ratios stay meaningful.
// A contender that fails to set up or to run is reported with its error, not thrown.
import { median } from './harness.js';

/** What a contender's setup returns: the call to time, and what to free afterwards. */
export interface Runner {
  readonly run: () => unknown;
  readonly dispose?: () => void;
}

export interface Contender {
  readonly name: string;
  /** Creates the inputs (untimed) and returns the call to time. May throw: then skipped. */
  readonly setup: () => Runner | (() => unknown);
  /** Rounds at most for this one (a slow reference), below the shared maximum. */
  readonly maxRounds?: number;
}

export interface TimeContendersOptions {
  /** Untimed calls of each before the rounds. Default 1. */
  readonly warmup?: number;
  /**
   * And untimed calls of each until this many ms have passed (each contender alone), so
   * that the rounds time a steady state: JIT tiers, caches, the allocator. Default 0.
   */
  readonly warmupMs?: number;
  /** Rounds at least. Default 5. */
  readonly minRounds?: number;
  /** Rounds at most. Default 30. */
  readonly maxRounds?: number;
  /** Keep adding rounds (up to maxRounds) until this many ms have passed. Default 0. */
  readonly minTimeMs?: number;
  /** Calls per sample: a sample's time is divided by it (for sub-millisecond calls). Default 1. */
  readonly inner?: number;
}

/** A contender's median ms per call, or why it has none. */
export type Measured =
  | { readonly ms: number; readonly runs: number }
  | { readonly error: string; readonly ms?: undefined };

const message = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 160);

/** Time the contenders in alternation; returns each one's median ms per call, by name. */
export function timeContenders(
  contenders: readonly Contender[],
  options: TimeContendersOptions = {},
): Map<string, Measured> {
  const {
    warmup = 1,
    warmupMs = 0,
    minRounds = 5,
    maxRounds = 30,
    minTimeMs = 0,
    inner = 1,
  } = options;
  const result = new Map<string, Measured>();
  const live: { name: string; runner: Runner; samples: number[]; max: number }[] = [];
  for (const c of contenders) {
    try {
      const r = c.setup();
      const runner = typeof r === 'function' ? { run: r } : r;
      const warming = performance.now();
      for (let i = 0; i < warmup || performance.now() - warming < warmupMs; i++) {
        for (let k = 0; k < inner; k++) runner.run();
      }
      live.push({
        name: c.name,
        runner,
        samples: [],
        max: Math.min(maxRounds, c.maxRounds ?? maxRounds),
      });
    } catch (e) {
      result.set(c.name, { error: message(e) });
    }
  }
  const start = performance.now();
  for (
    let round = 0;
    round < minRounds || (round < maxRounds && performance.now() - start < minTimeMs);
    round++
  ) {
    let ran = false;
    for (const c of live) {
      if (c.samples.length >= c.max || result.has(c.name)) continue;
      try {
        const t0 = performance.now();
        for (let k = 0; k < inner; k++) c.runner.run();
        c.samples.push((performance.now() - t0) / inner);
        ran = true;
      } catch (e) {
        result.set(c.name, { error: message(e) });
      }
    }
    if (!ran) break;
  }
  for (const c of live) {
    try {
      c.runner.dispose?.();
    } catch {
      // freeing is best effort
    }
    if (!result.has(c.name)) result.set(c.name, { ms: median(c.samples), runs: c.samples.length });
  }
  // in the order given
  return new Map(contenders.map((c) => [c.name, result.get(c.name)!]));
}

/** The ms of a measurement, or undefined when it failed or was skipped. */
export const msOf = (m: Measured | undefined): number | undefined => m?.ms;

/** The failures among the measurements, as note lines. */
export function failureNotes(label: string, measured: Map<string, Measured>): string[] {
  const out: string[] = [];
  for (const [name, m] of measured) {
    if (m.ms === undefined && 'error' in m) out.push(`${name} failed on ${label}: ${m.error}`);
  }
  return out;
}
