// The loss curve: data loss and regularization loss against the iteration, as the examples
// draw theirs: @tapegrad/viz's `trainingCurves` spec, rendered to SVG by its `renderSvg`
// (Vega, loaded with the first curve). A render holds the page's one thread for its whole
// time (Vega awaits only promises, never a frame): in Chromium 10–40 ms for the few hundred
// points LossHistory keeps, but 100–600 ms for the first few, while V8 compiles Vega's code.
// So while training the curve is redrawn at most every CHART_MS, and only once the training
// since the last render took CHART_SHARE times that render's time (the curve costs at most
// about a tenth of the training time), never while a render is under way.
import { type TopLevelSpec, trainingCurves } from '@tapegrad/viz';
import type { LossPoint } from './loss-history.js';

/** While training, the curve is redrawn at most every CHART_MS… */
const CHART_MS = 250;
/** …and takes at most 1/CHART_SHARE of the training time. */
const CHART_SHARE = 10;

/** The page's type and greys (style.css) for Vega's text and axes: the spec is the examples'. */
const LOOK: NonNullable<TopLevelSpec['config']> = {
  // no ARIA attributes inside the picture (the box is one role="img" with a label), nor the
  // description of every point Vega-Lite would format for them: a quarter of a render
  aria: false,
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  title: { fontSize: 12, fontWeight: 600, color: '#374151' },
  axis: {
    labelColor: '#6b7280',
    titleColor: '#6b7280',
    titleFontWeight: 500,
    domainColor: '#9ca3af',
    tickColor: '#9ca3af',
    gridColor: '#eef0f3',
  },
  legend: { labelColor: '#374151', labelFontSize: 11 },
  view: { stroke: '#e5e7eb' },
};

type RenderSvg = (spec: TopLevelSpec) => Promise<string>;

/** Vega and Vega-Lite (810 kB, 275 kB gzipped) come with the first curve, not with the page. */
let renderer: Promise<RenderSvg> | null = null;

/** What the curve has cost so far: renders, and the last one's and all of their time in ms. */
export interface ChartCost {
  readonly renders: number;
  readonly lastMs: number;
  readonly totalMs: number;
}

export class LossChart {
  readonly #box: HTMLElement;
  /** The points of the next render (the history's own array: read when the render starts). */
  #points: readonly LossPoint[] = [];
  #busy = false;
  /** A render was asked for `now` while one was under way: draw again when it ends. */
  #again = false;
  #startedAt = Number.NEGATIVE_INFINITY;
  /** The training time (ms) when the last render started. */
  #trainedAt = Number.NEGATIVE_INFINITY;
  /** The training time (ms) the page reported last. */
  #trainingMs = 0;
  #cost: ChartCost = { renders: 0, lastMs: 0, totalMs: 0 };
  /** What a render costs for the throttle: the last one's time, not counting the first's. */
  #throttleMs = 0;
  /** Pixels of the picture around the plot area (axes, titles), as the last render had them. */
  #frame = { width: 50, height: 56 };

  constructor(container: HTMLElement) {
    this.#box = container;
    container.classList.add('loss-chart');
    container.setAttribute('role', 'img');
    container.setAttribute('aria-label', 'loss curve');
  }

  get cost(): ChartCost {
    return this.#cost;
  }

  /**
   * Show the curve of `points` (in iteration order), `trainingMs` being the page's training
   * time so far: while training, only if the last render has ended, started CHART_MS ago, and
   * the training since took CHART_SHARE times its time; `now`, at once or when the render
   * under way ends.
   */
  render(points: readonly LossPoint[], trainingMs: number, now = false): void {
    this.#points = points;
    this.#trainingMs = trainingMs;
    if (this.#busy) {
      this.#again ||= now;
      return;
    }
    const soon =
      performance.now() - this.#startedAt < CHART_MS ||
      trainingMs - this.#trainedAt < CHART_SHARE * this.#throttleMs;
    if (!now && soon) return;
    void this.#draw();
  }

  async #draw(): Promise<void> {
    this.#busy = true;
    try {
      let renderSvg: RenderSvg | null = null;
      if (this.#points.length > 0) {
        renderer ??= import('./render-svg.js').then((m) => m.renderSvg);
        renderSvg = await renderer;
      }
      // the points as they are now (the history changes in place, also while Vega loads)
      const points = this.#points.slice();
      if (renderSvg === null || points.length === 0) {
        this.#startedAt = Number.NEGATIVE_INFINITY;
        this.#trainedAt = Number.NEGATIVE_INFINITY;
        const hint = document.createElement('p');
        hint.className = 'chart-empty';
        hint.textContent = 'press Start or Step to train';
        this.#box.replaceChildren(hint);
        this.#box.setAttribute('aria-label', 'loss curve: no training yet');
        return;
      }
      // the cost: from here, once Vega is loaded
      const start = performance.now();
      this.#startedAt = start;
      this.#trainedAt = this.#trainingMs;
      const plot = {
        width: Math.max(40, this.#box.clientWidth - this.#frame.width),
        height: Math.max(40, this.#box.clientHeight - this.#frame.height),
      };
      const svg = await renderSvg(this.#spec(points, plot));
      this.#box.innerHTML = svg;
      // the next plot area fills the box exactly where the axes keep their size (CSS scales
      // this picture to the box: it is within a few pixels of it)
      const size = /^<svg[^>]* width="([\d.]+)" height="([\d.]+)"/.exec(svg);
      if (size !== null) {
        this.#frame = {
          width: Number(size[1]) - plot.width,
          height: Number(size[2]) - plot.height,
        };
      }
      const last = points.at(-1)!;
      this.#box.setAttribute(
        'aria-label',
        `loss curve: data loss ${last.dataLoss.toFixed(4)}, regularization loss ${last.regLoss.toFixed(4)} at iteration ${last.iteration}`,
      );
      const ms = performance.now() - start;
      const { renders, totalMs } = this.#cost;
      this.#cost = { renders: renders + 1, lastMs: ms, totalMs: totalMs + ms };
      // the first render compiles Vega's code (V8 compiles a function when it first runs):
      // a one-off, not what the next render will cost
      if (renders > 0) this.#throttleMs = ms;
    } finally {
      this.#busy = false;
      if (this.#again) {
        this.#again = false;
        void this.#draw();
      }
    }
  }

  /**
   * The examples' loss plot of `points` with a plot area of `plot` pixels. (Vega-Lite's
   * autosize 'fit' would size the whole picture to the box, but lays it out twice: a fifth
   * more time.)
   */
  #spec(points: readonly LossPoint[], plot: { width: number; height: number }): TopLevelSpec {
    const spec = trainingCurves(
      {
        loss: points.map((p) => p.dataLoss),
        regLoss: points.map((p) => p.regLoss),
        lossAt: points.map((p) => p.iteration),
      },
      // a linear axis as in the notes' demo (and a λ of 0 gives a regularization loss of 0)
      { logLoss: false, ...plot },
    );
    return { ...spec, config: LOOK };
  }
}
