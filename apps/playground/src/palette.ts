// The class colours of examples/lib/palette.ts (matplotlib's tab10) and the light tint of a
// decision region (70% toward white), so the page's pictures match the examples' PNGs.

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

const TAB10 = [
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
];

/** How far a decision region's colour is mixed toward white. */
export const REGION_TINT = 0.7;

function rgb(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** `color` mixed toward white by `amount` (0 keeps it, 1 gives white). */
export function tint(color: Rgb, amount: number): Rgb {
  return [
    Math.round(color[0] + (255 - color[0]) * amount),
    Math.round(color[1] + (255 - color[1]) * amount),
    Math.round(color[2] + (255 - color[2]) * amount),
  ];
}

/** The colour of class `k` (palette order, wrapping after ten). @example classColor(0) // blue */
export function classColor(k: number): Rgb {
  return rgb(TAB10[k % TAB10.length]!);
}

/** The tint that fills class `k`'s decision region. */
export function regionColor(k: number): Rgb {
  return tint(classColor(k), REGION_TINT);
}

/** A colour as CSS text. @example css(classColor(0)) // 'rgb(31 119 180)' */
export function css(c: Rgb): string {
  return `rgb(${c[0]} ${c[1]} ${c[2]})`;
}
