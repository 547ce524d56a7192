// Rendering a Vega-Lite spec to an SVG document, the same way in Node and in the browser.
import { parse, View } from 'vega';
import { expressionInterpreter } from 'vega-interpreter';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite spec to the text of an SVG document: compiled to Vega, run in a headless
 * `View` (no DOM, no canvas) and serialized. Works in Node and in the browser; the picture's
 * size in pixels is the SVG's `width` and `height`.
 *
 * Vega's expressions are evaluated by Vega's interpreter (`vega-interpreter`), never compiled
 * to code with `new Function`: a page that renders needs no `'unsafe-eval'` in its
 * Content-Security-Policy for it.
 *
 * @example
 * const svg = await renderSvg(linePlot([{ name: 'loss', y: losses }]));
 * document.querySelector('#plot')!.innerHTML = svg;
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  let vega: ReturnType<typeof compile>['spec'];
  try {
    vega = compile(spec).spec;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`renderSvg: Vega-Lite could not compile the spec: ${message}`, { cause: err });
  }
  // the expressions' syntax trees (ast), for the interpreter in place of generated code
  const view = new View(parse(vega, undefined, { ast: true }), {
    renderer: 'none',
    expr: expressionInterpreter,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
