// The loss curve: data loss and regularization loss against the iteration, drawn on a small
// canvas. The page sees only `LossChart` (a container in, points to render), so that the
// drawing can move to a charting library without touching the page.
import type { LossPoint } from './loss-history.js';

const SERIES = [
  { key: 'dataLoss', label: 'data loss', color: '#1f77b4' },
  { key: 'regLoss', label: 'regularization loss', color: '#ff7f0e' },
] as const;

const MARGIN = { left: 44, right: 12, top: 22, bottom: 26 };

/** About `count` round tick values from 0 to `max` (steps of 1, 2 or 5 × 10^k). */
function ticks(max: number, count: number): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A tick label: whole numbers with a k for thousands, decimals as short as they go. */
function label(v: number): string {
  if (v >= 1000 && v % 1000 === 0) return `${v / 1000}k`;
  return String(Number(v.toPrecision(3)));
}

export class LossChart {
  readonly #canvas: HTMLCanvasElement;
  readonly #ctx: CanvasRenderingContext2D;

  constructor(container: HTMLElement) {
    this.#canvas = document.createElement('canvas');
    this.#canvas.className = 'loss-chart';
    this.#canvas.setAttribute('role', 'img');
    this.#canvas.setAttribute('aria-label', 'loss curve');
    container.replaceChildren(this.#canvas);
    this.#ctx = this.#canvas.getContext('2d')!;
  }

  /** Draw the curve of `points` (in iteration order). */
  render(points: readonly LossPoint[]): void {
    const canvas = this.#canvas;
    const ctx = this.#ctx;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    const ratio = window.devicePixelRatio || 1;
    if (
      canvas.width !== Math.round(width * ratio) ||
      canvas.height !== Math.round(height * ratio)
    ) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);

    const plotW = width - MARGIN.left - MARGIN.right;
    const plotH = height - MARGIN.top - MARGIN.bottom;
    const lastIteration = points.at(-1)?.iteration ?? 0;
    let maxLoss = 0;
    for (const p of points) maxLoss = Math.max(maxLoss, p.dataLoss, p.regLoss);
    const yTicks = ticks(maxLoss > 0 ? maxLoss : 1, 4);
    const yMax = yTicks.at(-1)!;
    const xTicks = ticks(Math.max(lastIteration, 10), 5);
    const xMax = xTicks.at(-1)!;
    const px = (it: number) => MARGIN.left + (it / xMax) * plotW;
    const py = (v: number) => MARGIN.top + plotH - (Math.min(v, yMax) / yMax) * plotH;

    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
    ctx.fillStyle = '#6b7280';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of yTicks) {
      const y = Math.round(py(v)) + 0.5;
      ctx.strokeStyle = v === 0 ? '#9ca3af' : '#e5e7eb';
      ctx.beginPath();
      ctx.moveTo(MARGIN.left, y);
      ctx.lineTo(MARGIN.left + plotW, y);
      ctx.stroke();
      ctx.fillText(label(v), MARGIN.left - 6, y);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const v of xTicks) ctx.fillText(label(v), px(v), MARGIN.top + plotH + 6);

    for (const s of SERIES) {
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 1.75;
      ctx.beginPath();
      points.forEach((p, i) => {
        if (i === 0) ctx.moveTo(px(p.iteration), py(p[s.key]));
        else ctx.lineTo(px(p.iteration), py(p[s.key]));
      });
      ctx.stroke();
    }

    // the legend, above the plot
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    let x = MARGIN.left;
    for (const s of SERIES) {
      ctx.fillStyle = s.color;
      ctx.fillRect(x, 8, 14, 3);
      ctx.fillStyle = '#374151';
      ctx.fillText(s.label, x + 19, 10);
      x += 19 + ctx.measureText(s.label).width + 16;
    }
    if (points.length === 0) {
      ctx.fillStyle = '#9ca3af';
      ctx.textAlign = 'center';
      ctx.fillText('press Start or Step to train', MARGIN.left + plotW / 2, MARGIN.top + plotH / 2);
    }
  }
}
