// Axis ticks at round numbers (1, 2 or 5 times a power of ten) and their labels.

/** Drops float noise such as 0.30000000000000004 and turns -0 into 0. */
function clean(v: number): number {
  return Number(v.toPrecision(12)) + 0;
}

/**
 * A round step (1, 2 or 5 × 10^k) that splits `span` into about `count` intervals.
 *
 * @example
 * niceStep(7.3, 5); // 2
 */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) {
    throw new RangeError(`niceStep: span must be a positive finite number, got ${span}`);
  }
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const r = raw / magnitude;
  // Heckbert's thresholds: pick the round mantissa nearest raw on a log scale.
  return clean((r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * magnitude);
}

/**
 * About `count` + 1 ticks at multiples of a round step, from the largest one at or below
 * `min` to the smallest one at or above `max`, so they cover the range. An empty (or
 * float-noise-narrow) range is widened by 10% of its value, or by 1 around 0.
 *
 * @example
 * niceTicks(-0.93, 1.07); // [-1, -0.5, 0, 0.5, 1, 1.5]
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new RangeError(`niceTicks: expected finite min <= max, got [${min}, ${max}]`);
  }
  // A range too narrow for float64 to hold evenly spaced ticks counts as empty.
  const size = Math.max(Math.abs(min), Math.abs(max));
  if (max - min <= size * 1e-9 || max - min < 1e-200) {
    const pad = size >= 1e-200 ? size * 0.1 : 1;
    min -= pad;
    max += pad;
  }
  const step = niceStep(max - min, count);
  // The 1e-9 keeps min = 0.3, step = 0.1 from starting at 0.2 (0.3 / 0.1 = 2.9999…).
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(clean(k * step));
  return ticks;
}

/**
 * Ticks for a log axis covering [min, max] (both > 0): 1, 2 and 5 times each power of
 * ten when the range spans at most two decades, otherwise powers of ten (every other
 * one, or sparser, when there are many); linear round ticks under half a decade.
 *
 * @example
 * logTicks(0.04, 2.3); // [0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]
 * logTicks(1e-6, 1); // [1e-6, 1e-5, 1e-4, 0.001, 0.01, 0.1, 1]
 */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !Number.isFinite(max) || min > max) {
    throw new RangeError(`logTicks: expected 0 < min <= max, got [${min}, ${max}]`);
  }
  const lo = Math.floor(Math.log10(min) + 1e-9);
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max) - 1e-9));
  const decades = Math.log10(max / min);
  // Under about half a decade even 1-2-5 leaves one tick inside: use linear ones.
  if (decades < 0.5) return niceTicks(min, max, 4).filter((t) => t > 0);
  const ticks: number[] = [];
  if (decades <= 2) {
    const all: number[] = [];
    for (let e = lo - 1; e <= hi; e++) for (const m of [1, 2, 5]) all.push(clean(m * 10 ** e));
    const start = all.filter((t) => t <= min * (1 + 1e-12)).length - 1;
    const end = all.findIndex((t) => t >= max * (1 - 1e-12));
    return all.slice(Math.max(0, start), end + 1);
  }
  const stride = Math.ceil((hi - lo) / 8);
  const first = Math.floor(lo / stride) * stride;
  for (let e = first; e < hi + stride; e += stride) ticks.push(clean(10 ** e));
  return ticks;
}

/**
 * A short label for tick `value` on an axis whose ticks are `step` apart: as many
 * decimals as the step needs, exponent notation for very large or small numbers.
 *
 * @example
 * formatTick(0.5, 0.5); // '0.5'
 * formatTick(2000, 500); // '2000'
 * formatTick(1e-5, 1e-5); // '1e-5'
 */
export function formatTick(value: number, step: number): string {
  if (value === 0) return '0';
  const a = Math.abs(value);
  if (a >= 1e5 || a < 1e-3) {
    const [mantissa, exponent] = value.toExponential().split('e');
    const m = Number(Number(mantissa).toPrecision(3));
    return `${m}e${Number(exponent)}`;
  }
  const decimals = Math.max(0, Math.ceil(-Math.log10(Math.abs(step)) - 1e-9));
  return value.toFixed(Math.min(decimals, 10));
}
