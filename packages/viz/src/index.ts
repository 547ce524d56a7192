// @tapegrad/viz: Vega-Lite specs for tapegrad's pictures (decision regions, line plots,
// training curves, pictures of pixels, grids of panels), the class colours, and rendering to
// SVG, in Node and in the browser alike (no node: import). '@tapegrad/viz/node' adds PNG files.

export type { TopLevelSpec } from 'vega-lite';
export {
  type Bounds,
  type ClassGrid,
  type Classify,
  classGrid,
  type DecisionRegionsOptions,
  decisionRegions,
} from './decision-regions.js';
export { type ImageViewOptions, imageView } from './image-view.js';
export {
  fitPlot,
  type LegendPosition,
  type LinePlotOptions,
  linePlot,
  type Series,
} from './line-plot.js';
export { classColor, PALETTE, REGION_TINT, regionColor, rgb } from './palette.js';
export { type PanelsOptions, panels } from './panels.js';
export { type GrayRasterOptions, grayRaster, pngDataUrl, type Raster } from './raster.js';
export { renderSvg } from './render-svg.js';
export type { Title } from './title.js';
export {
  type TrainingCurvesOptions,
  type TrainingHistory,
  trainingCurves,
} from './training-curves.js';
