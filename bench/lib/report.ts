// Tables of contenders side by side: one of the measured values, one of tapegrad's speed
// relative to each anchor. Every table also carries its unrounded values as `data`, which
// bench/index.ts writes to the results JSON.
import { type BenchTable, fmt } from './harness.js';

/** A metric per contender name; undefined when the contender was skipped or failed. */
export type Values = Readonly<Record<string, number | undefined>>;

/** One case (a row): its describing cells (size, dtype, …) and the contenders' values. */
export interface Case {
  readonly cells: readonly (string | number)[];
  readonly values: Values;
}

/** A metric with its unit, and whether bigger is better (GFLOP/s) or not (ms). */
export interface Metric {
  readonly unit: string;
  readonly higherIsBetter: boolean;
  readonly digits?: number;
}

/** A number with a precision that suits its size (3 significant digits, at least 0 decimals). */
export function fmtAuto(x: number | undefined, digits?: number): string {
  if (x === undefined || !Number.isFinite(x)) return '—';
  if (digits !== undefined) return fmt(x, digits);
  const a = Math.abs(x);
  return fmt(x, a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3);
}

/** A speed ratio as a cell: `2.4×`, `0.071×`. */
export function fmtRatio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '—';
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r >= 0.1 ? r.toFixed(2) : r.toFixed(3)}×`;
}

/** tapegrad's speed ÷ the anchor's speed from the metric (> 1: tapegrad is faster). */
export function speedRatio(
  metric: Metric,
  tapegrad: number | undefined,
  anchor: number | undefined,
): number | undefined {
  if (tapegrad === undefined || anchor === undefined || tapegrad <= 0 || anchor <= 0) {
    return undefined;
  }
  return metric.higherIsBetter ? tapegrad / anchor : anchor / tapegrad;
}

/** The measured values: a column per contender that has a value in some case. */
export function valueTable(opts: {
  readonly title: string;
  readonly caseColumns: readonly string[];
  readonly contenders: readonly string[];
  readonly cases: readonly Case[];
  readonly metric: Metric;
  readonly notes?: readonly string[];
}): BenchTable {
  const { title, caseColumns, cases, metric, notes = [] } = opts;
  const shown = opts.contenders.filter((c) => cases.some((k) => k.values[c] !== undefined));
  return {
    title,
    columns: [...caseColumns, ...shown],
    rows: cases.map((k) => [...k.cells, ...shown.map((c) => fmtAuto(k.values[c], metric.digits))]),
    notes,
    data: {
      unit: metric.unit,
      higherIsBetter: metric.higherIsBetter,
      rows: cases.map((k) => ({ case: k.cells, values: k.values })),
    },
  };
}

/**
 * tapegrad's speed relative to each anchor: a row per case and tapegrad backend, a column
 * `÷ anchor` per anchor with a value somewhere; `r×` means tapegrad runs at r times the
 * anchor's speed (0.1× : the anchor is 10× faster).
 */
export function ratioTable(opts: {
  readonly title: string;
  readonly caseColumns: readonly string[];
  readonly tapegrads: readonly string[];
  readonly anchors: readonly string[];
  readonly cases: readonly Case[];
  readonly metric: Metric;
  readonly notes?: readonly string[];
}): BenchTable {
  const { title, caseColumns, tapegrads, cases, metric, notes = [] } = opts;
  const anchors = opts.anchors.filter((a) => cases.some((k) => k.values[a] !== undefined));
  const rows: (string | number)[][] = [];
  const data: { case: readonly (string | number)[]; tapegrad: string; ratios: Values }[] = [];
  for (const k of cases) {
    for (const t of tapegrads) {
      const ratios = Object.fromEntries(
        anchors.map((a) => [a, speedRatio(metric, k.values[t], k.values[a])]),
      );
      rows.push([...k.cells, t, ...anchors.map((a) => fmtRatio(ratios[a]))]);
      data.push({ case: k.cells, tapegrad: t, ratios });
    }
  }
  return {
    title,
    columns: [...caseColumns, 'tapegrad', ...anchors.map((a) => `÷ ${a}`)],
    rows,
    notes: [
      `r× = tapegrad's speed ÷ the anchor's (from ${metric.unit}); > 1: tapegrad is faster, 0.25×: the anchor is 4× faster.`,
      ...notes,
    ],
    data: { rows: data },
  };
}
