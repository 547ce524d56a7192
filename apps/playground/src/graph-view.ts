// The computation graph of one training step: core's `toDot` laid out by Graphviz (the
// @viz-js/viz WebAssembly build, loaded on first use: it is most of the page's bytes).
import type { Viz } from '@viz-js/viz';

let viz: Promise<Viz> | null = null;

/** Render `dot` as an SVG into `container` (replacing what it held). */
export async function renderGraph(container: HTMLElement, dot: string): Promise<SVGSVGElement> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  const svg = (await viz).renderSVGElement(dot, {
    graphAttributes: { rankdir: 'TB', bgcolor: 'transparent', nodesep: '0.25', ranksep: '0.3' },
    nodeAttributes: {
      fontname: 'Helvetica,Arial,sans-serif',
      fontsize: '10',
      color: '#6b7280',
      fillcolor: '#dbeafe',
    },
    edgeAttributes: { color: '#9ca3af', arrowsize: '0.6' },
  });
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  svg.classList.add('graph');
  container.replaceChildren(svg);
  return svg;
}
