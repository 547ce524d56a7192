// The bench harness: what a `*.bench.ts` file exports, a timer that warms up and reports
// a median, and the table printer. Benchmarks measure in one process, next to their
// references, so ratios stay meaningful on a noisy machine.

/** One table of results. `rows` hold preformatted cells or numbers (printed as given). */
export interface BenchTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  /** Lines printed under the table (what was measured, how). */
  readonly notes?: readonly string[];
  /** The unrounded values behind the rows, for the results JSON (not printed). */
  readonly data?: unknown;
}

/**
 * What a `bench/<name>.bench.ts` file exports as `bench`: a function that runs its
 * measurements and returns tables. `bench/index.ts` finds the files and runs them in order.
 *
 * @example
 * export const bench: Bench = () => [{ title: 'noop', columns: ['µs'], rows: [[time(() => {}).medianMs * 1e3]] }];
 */
export type Bench = () => BenchTable[] | Promise<BenchTable[]>;

export interface TimeOptions {
  /** Untimed calls before measuring (JIT warm-up). Default 2. */
  readonly warmup?: number;
  /** Timed calls at least. Default 5. */
  readonly minRuns?: number;
  /** Timed calls at most. Default 50. */
  readonly maxRuns?: number;
  /** Keep timing (up to maxRuns) until this many ms have passed. Default 200. */
  readonly minTimeMs?: number;
}

export interface Timing {
  /** The median of the timed calls, in ms. */
  readonly medianMs: number;
  readonly runs: number;
}

/** Time `fn`: warm-up calls, then at least `minRuns` timed calls; returns the median. */
export function time(fn: () => unknown, options: TimeOptions = {}): Timing {
  const { warmup = 2, minRuns = 5, maxRuns = 50, minTimeMs = 200 } = options;
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  const start = performance.now();
  while (
    samples.length < minRuns ||
    (samples.length < maxRuns && performance.now() - start < minTimeMs)
  ) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return { medianMs: median(samples), runs: samples.length };
}

/**
 * Time several functions in alternation (one call of each per round), so that a change of
 * machine load hits them alike; returns each one's median in ms. Warm-up calls come first.
 */
export function timeInterleaved(
  fns: readonly (() => unknown)[],
  options: { readonly warmup?: number; readonly rounds?: number } = {},
): number[] {
  const { warmup = 1, rounds = 5 } = options;
  for (let i = 0; i < warmup; i++) for (const fn of fns) fn();
  const samples = fns.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      const t0 = performance.now();
      fn();
      samples[i]!.push(performance.now() - t0);
    });
  }
  return samples.map(median);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A number with `digits` decimals, or '—' when absent. */
export function fmt(x: number | undefined, digits = 2): string {
  return x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits);
}

/** The table as aligned text: numbers right-aligned, text left-aligned. */
export function formatTable(table: BenchTable): string {
  const cells = [table.columns, ...table.rows].map((r) => r.map(String));
  const widths = table.columns.map((_, c) => Math.max(...cells.map((r) => r[c]?.length ?? 0)));
  const numeric = table.columns.map((_, c) =>
    table.rows.every((r) => typeof r[c] === 'number' || /^[-+]?[\d.]+×?$|^—$/.test(String(r[c]))),
  );
  const line = (r: readonly string[]) =>
    r
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const out = [
    `## ${table.title}`,
    '',
    line(cells[0]!),
    widths.map((w) => '-'.repeat(w)).join('  '),
  ];
  for (const r of cells.slice(1)) out.push(line(r));
  for (const n of table.notes ?? []) out.push(`  ${n}`);
  return out.join('\n');
}
