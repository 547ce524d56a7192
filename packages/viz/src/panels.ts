// Several plots in one figure: a grid of specs, each with its own title, under an optional
// overall title.
import type { TopLevelSpec } from 'vega-lite';
import { type Title, titleText } from './title.js';

/**
 * Options of {@link panels}.
 *
 * @example
 * panels(specs, { cols: 3, title: 'regularization' });
 */
export interface PanelsOptions {
  /** Grid columns; about √n by default. */
  cols?: number;
  /** A title over the whole figure. */
  title?: Title;
  /** Pixels between panels; 24 by default. */
  spacing?: number;
}

/** What only a whole figure may have in Vega-Lite, never a panel inside one. */
const TOP_LEVEL_ONLY = ['$schema', 'autosize', 'background', 'config', 'padding', 'usermeta'];

/**
 * Lays out specs in a grid, row by row with `cols` columns (a Vega-Lite `concat`), under an
 * optional title. Each panel keeps its own scales and legends.
 *
 * @example
 * const spec = panels(
 *   [3, 6, 20].map((h) => decisionRegions(classifierOf(h), points, labels, { title: `${h} hidden` })),
 *   { cols: 3, title: 'capacity' },
 * );
 */
export function panels(specs: readonly TopLevelSpec[], options: PanelsOptions = {}): TopLevelSpec {
  if (specs.length === 0) throw new RangeError('panels: expected at least one spec');
  const cols = options.cols ?? Math.ceil(Math.sqrt(specs.length));
  if (!Number.isInteger(cols) || cols < 1) {
    throw new RangeError(`panels: cols must be a positive integer, got ${cols}`);
  }
  specs.forEach((spec, i) => {
    const extra = TOP_LEVEL_ONLY.filter((key) => key in spec);
    if (extra.length > 0) {
      throw new RangeError(
        `panels: spec ${i} has ${extra.join(', ')}, which only a whole figure may have`,
      );
    }
  });
  return {
    ...(options.title === undefined
      ? {}
      : { title: { text: titleText(options.title), anchor: 'middle', fontSize: 15, offset: 12 } }),
    columns: cols,
    spacing: options.spacing ?? 24,
    // TopLevelSpec is what the builders return; inside a concat the same specs are panels
    concat: specs as never,
    // Vega-Lite shares colour and shape scales across a concat: each panel's are its own
    resolve: {
      scale: { color: 'independent', shape: 'independent' },
      legend: { color: 'independent', shape: 'independent' },
    },
  };
}
