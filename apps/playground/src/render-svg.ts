// viz's renderSvg on its own, for a dynamic import: with Vega and Vega-Lite it is a chunk of
// its own, loaded with the first loss curve (the page's other imports of @tapegrad/viz, the
// palette and the grid, stay in the page's chunk without Vega).
export { renderSvg } from '@tapegrad/viz';
