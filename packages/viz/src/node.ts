// @tapegrad/viz/node: everything in '@tapegrad/viz', plus PNG output with resvg (a native
// module) and files written with node:fs.
export * from './index.js';
export { type PngOptions, renderPng, svgToPng } from './render-png.js';
export { writePng } from './write-png.js';
