import { describe, expect, it } from 'vitest';
import { Canvas, type Color, WHITE } from './canvas.js';
import { drawText, GLYPH_HEIGHT, textHeight, textWidth } from './font.js';

const RED: Color = [200, 0, 0];

/** Bounding box of the pixels that are not white, or null when there are none. */
function inkBox(c: Canvas) {
  let box: { x0: number; y0: number; x1: number; y1: number } | null = null;
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const [r, g, b] = c.get(x, y);
      if (r === WHITE[0] && g === WHITE[1] && b === WHITE[2]) continue;
      box = box ?? { x0: x, y0: y, x1: x, y1: y };
      box.x0 = Math.min(box.x0, x);
      box.y0 = Math.min(box.y0, y);
      box.x1 = Math.max(box.x1, x);
      box.y1 = Math.max(box.y1, y);
    }
  }
  return box;
}

describe('font', () => {
  it('draws a glyph inside its text box, in the text colour', () => {
    const c = new Canvas(40, 30);
    drawText(c, 'A', 10, 5, RED, { scale: 2 });
    // 'A' is 5 pixels wide and 7 high at scale 1.
    expect(inkBox(c)).toEqual({ x0: 10, y0: 5, x1: 19, y1: 5 + 2 * GLYPH_HEIGHT - 1 });
    expect(c.get(10, 10)).toEqual(RED); // the left stroke of 'A'
  });

  it('draws nothing for a space and advances the pen past it', () => {
    const c = new Canvas(40, 20);
    drawText(c, '   ', 2, 2, RED);
    expect(inkBox(c)).toBeNull();
    expect(textWidth(' I')).toBeGreaterThan(textWidth('I'));
  });

  it('hangs descenders below the baseline', () => {
    const c = new Canvas(20, 20);
    drawText(c, 'g', 2, 2, RED);
    expect(inkBox(c)?.y1).toBe(2 + GLYPH_HEIGHT + 1);
    expect(textHeight(3)).toBe(27);
  });

  it('measures text as drawn and anchors by align and baseline', () => {
    const c = new Canvas(200, 30);
    const w = textWidth('loss 0.5', 2);
    drawText(c, 'loss 0.5', 160, 20, RED, { scale: 2, align: 'right', baseline: 'bottom' });
    const box = inkBox(c)!;
    expect(box.x1).toBe(159);
    expect(box.x0).toBe(160 - w);
    expect(box.y1).toBe(19);
  });

  it('draws unknown characters as "?"', () => {
    const a = new Canvas(10, 10);
    const b = new Canvas(10, 10);
    drawText(a, '☃', 1, 1, RED);
    drawText(b, '?', 1, 1, RED);
    expect(a.data).toEqual(b.data);
  });

  it('rotates vertical text to read bottom to top', () => {
    const c = new Canvas(30, 60);
    drawText(c, 'loss', 5, 50, RED, { vertical: true });
    const box = inkBox(c)!;
    expect(box.x0).toBeGreaterThanOrEqual(5);
    expect(box.x1).toBeLessThan(5 + GLYPH_HEIGHT + 2);
    expect(box.y1).toBeLessThanOrEqual(50);
    expect(50 - box.y0 + 1).toBe(textWidth('loss'));
  });
});
