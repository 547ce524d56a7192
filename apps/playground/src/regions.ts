// The picture: each cell of the grid tinted with the class the network predicts there, the
// axes, and the points on top — training points filled, held-out test points as rings. The
// grid is @tapegrad/viz's `classGrid` and the colours its palette, as in the examples' PNGs.
import { type Bounds, type ClassGrid, classColor, PALETTE, regionColor, rgb } from '@tapegrad/viz';
import type { Points } from './data.js';

/** The region tint of each palette colour, as red, green and blue bytes. */
const TINTS = PALETTE.map((_, k) => rgb(regionColor(k)));

/** Canvas pixels of the plane's point (x, y) in a square of `size` pixels. */
export function toPixel(bounds: Bounds, size: number, x: number, y: number): [number, number] {
  return [
    ((x - bounds.xMin) / (bounds.xMax - bounds.xMin)) * size,
    ((bounds.yMax - y) / (bounds.yMax - bounds.yMin)) * size,
  ];
}

/** The plane's point under canvas pixel (px, py) in a square of `size` pixels. */
export function fromPixel(bounds: Bounds, size: number, px: number, py: number): [number, number] {
  return [
    bounds.xMin + (px / size) * (bounds.xMax - bounds.xMin),
    bounds.yMax - (py / size) * (bounds.yMax - bounds.yMin),
  ];
}

export class RegionsView {
  readonly canvas: HTMLCanvasElement;
  readonly #ctx: CanvasRenderingContext2D;
  readonly #cells = document.createElement('canvas');
  /** The square's side in CSS pixels. */
  #size = 0;

  constructor(canvas: HTMLCanvasElement) {
    this.canvas = canvas;
    this.#ctx = canvas.getContext('2d')!;
  }

  /** Match the canvas's backing store to its CSS size and the device pixel ratio. */
  #fit(): number {
    const size = this.canvas.clientWidth;
    const ratio = window.devicePixelRatio || 1;
    if (size !== this.#size || this.canvas.width !== Math.round(size * ratio)) {
      this.#size = size;
      this.canvas.width = Math.round(size * ratio);
      this.canvas.height = Math.round(size * ratio);
    }
    this.#ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return size;
  }

  /** Draw the regions of a grid of predicted classes, then the points. */
  draw(grid: ClassGrid, train: Points, test: Points): void {
    const size = this.#fit();
    const ctx = this.#ctx;
    const { bounds, classes, resolution: n } = grid;
    this.#cells.width = n;
    this.#cells.height = n;
    const cellCtx = this.#cells.getContext('2d')!;
    const image = cellCtx.createImageData(n, n);
    for (let i = 0; i < n * n; i++) {
      const [r, g, b] = TINTS[classes[i]! % TINTS.length]!;
      image.data[4 * i] = r;
      image.data[4 * i + 1] = g;
      image.data[4 * i + 2] = b;
      image.data[4 * i + 3] = 255;
    }
    cellCtx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(this.#cells, 0, 0, size, size);

    // the axes through the origin, when it is in view
    ctx.strokeStyle = 'rgb(0 0 0 / 0.18)';
    ctx.lineWidth = 1;
    const [ox, oy] = toPixel(bounds, size, 0, 0);
    ctx.beginPath();
    if (ox > 0 && ox < size) {
      ctx.moveTo(Math.round(ox) + 0.5, 0);
      ctx.lineTo(Math.round(ox) + 0.5, size);
    }
    if (oy > 0 && oy < size) {
      ctx.moveTo(0, Math.round(oy) + 0.5);
      ctx.lineTo(size, Math.round(oy) + 0.5);
    }
    ctx.stroke();

    const radius = size >= 400 ? 4.5 : 3.5;
    this.#points(test, bounds, size, radius, false);
    this.#points(train, bounds, size, radius, true);
  }

  #points(points: Points, bounds: Bounds, size: number, radius: number, filled: boolean): void {
    const ctx = this.#ctx;
    for (let i = 0; i < points.length; i++) {
      const [px, py] = toPixel(bounds, size, points.coords[2 * i]!, points.coords[2 * i + 1]!);
      const color = classColor(points.labels[i]!);
      ctx.beginPath();
      ctx.arc(px, py, radius, 0, 2 * Math.PI);
      if (filled) {
        ctx.fillStyle = color;
        ctx.fill();
        ctx.strokeStyle = 'white';
        ctx.lineWidth = 1.25;
      } else {
        ctx.fillStyle = 'white';
        ctx.fill();
        ctx.strokeStyle = color;
        ctx.lineWidth = 2;
      }
      ctx.stroke();
    }
  }

  /** The plane's point under a mouse event on the canvas. */
  pointAt(event: MouseEvent, bounds: Bounds): [number, number] {
    const rect = this.canvas.getBoundingClientRect();
    return fromPixel(bounds, rect.width, event.clientX - rect.left, event.clientY - rect.top);
  }
}
