// The class colours: ten distinguishable ones, and the light tints of decision regions.

/**
 * Ten distinguishable class colours (matplotlib's "tab10", the examples' colours since their
 * first pictures); class k gets `PALETTE[k % 10]`.
 *
 * @example
 * const [blue, orange, green] = PALETTE; // '#1f77b4', '#ff7f0e', '#2ca02c'
 */
export const PALETTE: readonly string[] = [
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

/**
 * How far a decision region's colour is mixed toward white.
 *
 * @example
 * regionColor(2); // classColor(2) mixed 70% toward white: '#c0e3c0'
 */
export const REGION_TINT = 0.7;

/**
 * The colour of class `k` (palette order, wrapping after ten), as `#rrggbb`.
 *
 * @example
 * classColor(3); // '#d62728', red
 */
export function classColor(k: number): string {
  if (!Number.isInteger(k)) throw new RangeError(`classColor: k must be an integer, got ${k}`);
  return PALETTE[((k % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}

/**
 * The light tint that fills class `k`'s decision region, as `#rrggbb`.
 *
 * @example
 * regionColor(0); // '#bcd6e9': classColor(0) mixed 70% toward white
 */
export function regionColor(k: number): string {
  const [r, g, b] = rgb(classColor(k)).map((c) => Math.round(c + (255 - c) * REGION_TINT));
  return hex([r!, g!, b!]);
}

/**
 * The red, green and blue bytes of a `#rrggbb` colour.
 *
 * @example
 * rgb('#1f77b4'); // [31, 119, 180]
 */
export function rgb(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (m === null) throw new RangeError(`rgb: expected a colour like '#1f77b4', got '${color}'`);
  return [Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16), Number.parseInt(m[3]!, 16)];
}

/** `#rrggbb` of red, green and blue bytes. */
function hex(bytes: readonly number[]): string {
  return `#${bytes.map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
