// Pictures for the example scripts, in one import: decision regions of a 2-D classifier,
// line plots (loss curves, target vs fit), grids of panels, training curves, PNG output,
// class colours.
export { Canvas, type Color, hex, type Rect, tint } from './canvas.js';
export { type Bounds, type DecisionRegionsOptions, decisionRegions } from './decision-regions.js';
export { type Axes, type LegendPosition, Plot, type PlotOptions } from './internal/axes.js';
export { fitPlot, type LinePlotOptions, linePlot, type Series } from './line-plot.js';
export { classColor, PALETTE, REGION_TINT, regionColor } from './palette.js';
export { type Panel, type PanelsOptions, panels } from './panels.js';
export { encodePng, writePng } from './png.js';
export { formatTick, logTicks, niceTicks } from './ticks.js';
export { type TrainingHistory, trainingCurves } from './training-curves.js';
