// Titles of plots and figures: one line, or several.

/**
 * A title: a string, or its lines.
 *
 * @example
 * const title: Title = ['20 hidden, λ = 0.01', 'train 85%, held-out 87%'];
 */
export type Title = string | readonly string[];

/** A Vega-Lite title's text: the string, or a copy of the lines (specs hold mutable arrays). */
export function titleText(title: Title): string | string[] {
  return typeof title === 'string' ? title : [...title];
}
