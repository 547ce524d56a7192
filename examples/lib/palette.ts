// The class colours: ten distinguishable ones, and the light tints of decision regions.
import { type Color, hex, tint } from './canvas.js';

/**
 * Ten distinguishable class colours (matplotlib's "tab10"); class k gets
 * `PALETTE[k % 10]`.
 *
 * @example
 * const [blue, orange, green] = PALETTE;
 */
export const PALETTE: readonly Color[] = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
].map(hex);

/**
 * How far a decision region's colour is mixed toward white.
 *
 * @example
 * tint(classColor(2), REGION_TINT); // the same as regionColor(2)
 */
export const REGION_TINT = 0.7;

/**
 * The colour of class `k` (palette order, wrapping after ten).
 *
 * @example
 * classColor(3); // PALETTE[3], red
 */
export function classColor(k: number): Color {
  return PALETTE[((k % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

/**
 * The light tint that fills class `k`'s decision region.
 *
 * @example
 * regionColor(0); // classColor(0) mixed 70% toward white
 */
export function regionColor(k: number): Color {
  return tint(classColor(k), REGION_TINT);
}
