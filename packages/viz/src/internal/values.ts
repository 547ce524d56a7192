// Numbers into Vega-Lite data: JSON has no NaN or infinity.

/**
 * `v`, or null when it is not finite: Vega-Lite leaves null values out (and breaks a line
 * there), and a spec with them stays plain JSON.
 *
 * @example
 * [1, Number.NaN].map(finiteOrNull); // [1, null]
 */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
