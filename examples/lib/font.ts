// A built-in 5×7 bitmap font (printable ASCII plus λ and ×) for titles, tick labels and
// legends: no system fonts, no downloads. Glyphs scale by an integer factor.

/**
 * Each glyph is 7 rows of 5 pixels (`#` on, `.` off), separated by spaces; a glyph with
 * a descender (g, j, p, q, y) has 2 more rows below the baseline.
 */
const GLYPHS: Readonly<Record<string, string>> = {
  ' ': '..... ..... ..... ..... ..... ..... .....',
  '!': '..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..',
  '"': '.#.#. .#.#. .#.#. ..... ..... ..... .....',
  '#': '.#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.',
  $: '..#.. .#### #.#.. .###. ..#.# ####. ..#..',
  '%': '##... ##..# ...#. ..#.. .#... #..## ...##',
  '&': '.##.. #..#. #.#.. .#... #.#.# #..#. .##.#',
  "'": '..#.. ..#.. .#... ..... ..... ..... .....',
  '(': '...#. ..#.. .#... .#... .#... ..#.. ...#.',
  ')': '.#... ..#.. ...#. ...#. ...#. ..#.. .#...',
  '*': '..... ..#.. #.#.# .###. #.#.# ..#.. .....',
  '+': '..... ..#.. ..#.. ##### ..#.. ..#.. .....',
  ',': '..... ..... ..... ..... ..... .##.. .##.. ..#.. .#...',
  '-': '..... ..... ..... .#### ..... ..... .....',
  '.': '..... ..... ..... ..... ..... .##.. .##..',
  '/': '....# ....# ...#. ..#.. .#... #.... #....',
  '0': '.###. #...# #...# #...# #...# #...# .###.',
  '1': '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.',
  '2': '.###. #...# ....# ...#. ..#.. .#... #####',
  '3': '##### ...#. ..#.. ...#. ....# #...# .###.',
  '4': '...#. ..##. .#.#. #..#. ##### ...#. ...#.',
  '5': '##### #.... ####. ....# ....# #...# .###.',
  '6': '..##. .#... #.... ####. #...# #...# .###.',
  '7': '##### ....# ...#. ..#.. .#... .#... .#...',
  '8': '.###. #...# #...# .###. #...# #...# .###.',
  '9': '.###. #...# #...# .#### ....# ...#. .##..',
  ':': '..... .##.. .##.. ..... .##.. .##.. .....',
  ';': '..... .##.. .##.. ..... .##.. .##.. ..#.. .#...',
  '<': '...#. ..#.. .#... #.... .#... ..#.. ...#.',
  '=': '..... ..... ##### ..... ##### ..... .....',
  '>': '.#... ..#.. ...#. ....# ...#. ..#.. .#...',
  '?': '.###. #...# ....# ...#. ..#.. ..... ..#..',
  '@': '.###. #...# ....# .##.# #.#.# #.#.# .###.',
  A: '.###. #...# #...# ##### #...# #...# #...#',
  B: '####. #...# #...# ####. #...# #...# ####.',
  C: '.###. #...# #.... #.... #.... #...# .###.',
  D: '###.. #..#. #...# #...# #...# #..#. ###..',
  E: '##### #.... #.... ####. #.... #.... #####',
  F: '##### #.... #.... ####. #.... #.... #....',
  G: '.###. #...# #.... #.### #...# #...# .####',
  H: '#...# #...# #...# ##### #...# #...# #...#',
  I: '.###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  J: '..### ...#. ...#. ...#. ...#. #..#. .##..',
  K: '#...# #..#. #.#.. ##... #.#.. #..#. #...#',
  L: '#.... #.... #.... #.... #.... #.... #####',
  M: '#...# ##.## #.#.# #.#.# #...# #...# #...#',
  N: '#...# #...# ##..# #.#.# #..## #...# #...#',
  O: '.###. #...# #...# #...# #...# #...# .###.',
  P: '####. #...# #...# ####. #.... #.... #....',
  Q: '.###. #...# #...# #...# #.#.# #..#. .##.#',
  R: '####. #...# #...# ####. #.#.. #..#. #...#',
  S: '.#### #.... #.... .###. ....# ....# ####.',
  T: '##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  U: '#...# #...# #...# #...# #...# #...# .###.',
  V: '#...# #...# #...# #...# #...# .#.#. ..#..',
  W: '#...# #...# #...# #.#.# #.#.# #.#.# .#.#.',
  X: '#...# #...# .#.#. ..#.. .#.#. #...# #...#',
  Y: '#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..',
  Z: '##### ....# ...#. ..#.. .#... #.... #####',
  '[': '.###. .#... .#... .#... .#... .#... .###.',
  '\\': '#.... #.... .#... ..#.. ...#. ....# ....#',
  ']': '.###. ...#. ...#. ...#. ...#. ...#. .###.',
  '^': '..#.. .#.#. #...# ..... ..... ..... .....',
  _: '..... ..... ..... ..... ..... ..... ..... #####',
  '`': '.#... ..#.. ..... ..... ..... ..... .....',
  a: '..... ..... .###. ....# .#### #...# .####',
  b: '#.... #.... #.##. ##..# #...# #...# ####.',
  c: '..... ..... .###. #.... #.... #...# .###.',
  d: '....# ....# .##.# #..## #...# #...# .####',
  e: '..... ..... .###. #...# ##### #.... .###.',
  f: '..##. .#..# .#... ###.. .#... .#... .#...',
  g: '..... ..... .#### #...# #...# #...# .#### ....# .###.',
  h: '#.... #.... #.##. ##..# #...# #...# #...#',
  i: '..#.. ..... .##.. ..#.. ..#.. ..#.. .###.',
  j: '...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..',
  k: '#.... #.... #..#. #.#.. ##... #.#.. #..#.',
  l: '.##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.',
  m: '..... ..... ##.#. #.#.# #.#.# #.#.# #.#.#',
  n: '..... ..... #.##. ##..# #...# #...# #...#',
  o: '..... ..... .###. #...# #...# #...# .###.',
  p: '..... ..... ####. #...# #...# #...# ####. #.... #....',
  q: '..... ..... .#### #...# #...# #...# .#### ....# ....#',
  r: '..... ..... #.##. ##..# #.... #.... #....',
  s: '..... ..... .#### #.... .###. ....# ####.',
  t: '.#... .#... ###.. .#... .#... .#..# ..##.',
  u: '..... ..... #...# #...# #...# #..## .##.#',
  v: '..... ..... #...# #...# #...# .#.#. ..#..',
  w: '..... ..... #...# #...# #.#.# #.#.# .#.#.',
  x: '..... ..... #...# .#.#. ..#.. .#.#. #...#',
  y: '..... ..... #...# #...# #...# #...# .#### ....# .###.',
  z: '..... ..... ##### ...#. ..#.. .#... #####',
  '{': '...#. ..#.. ..#.. .#... ..#.. ..#.. ...#.',
  '|': '..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..',
  '}': '.#... ..#.. ..#.. ...#. ..#.. ..#.. .#...',
  '~': '..... ..... .#... #.#.# ...#. ..... .....',
  λ: '##... ..#.. ..#.. .#.#. .#.#. #...# #...#',
  '×': '..... #...# .#.#. ..#.. .#.#. #...# .....',
};

/**
 * Rows above the baseline (the cap height) and rows a descender hangs below it.
 *
 * @example
 * const capHeight = GLYPH_HEIGHT * 2; // at scale 2
 */
export const GLYPH_HEIGHT = 7;
const DESCENT = 2;
const GLYPH_WIDTH = 5;
/** Advance in font pixels of a space; other glyphs advance by their ink width plus 1. */
const SPACE_ADVANCE = 4;

interface Glyph {
  /** Bits of each row, bit 0 = leftmost ink column. */
  readonly rows: Uint8Array;
  readonly advance: number;
}

function compile(pattern: string, monospace: boolean): Glyph {
  const lines = pattern.split(' ');
  let first = GLYPH_WIDTH;
  let last = -1;
  for (const line of lines) {
    for (let c = 0; c < GLYPH_WIDTH; c++) {
      if (line[c] === '#') {
        first = Math.min(first, c);
        last = Math.max(last, c);
      }
    }
  }
  if (last < 0) return { rows: new Uint8Array(lines.length), advance: SPACE_ADVANCE };
  // Digits keep the full cell so that columns of tick labels line up.
  if (monospace) {
    first = 0;
    last = GLYPH_WIDTH - 1;
  }
  const rows = new Uint8Array(lines.length);
  lines.forEach((line, r) => {
    for (let c = first; c <= last; c++) if (line[c] === '#') rows[r]! |= 1 << (c - first);
  });
  return { rows, advance: last - first + 2 };
}

const FONT = new Map<string, Glyph>();
for (const [ch, pattern] of Object.entries(GLYPHS)) {
  FONT.set(ch, compile(pattern, ch >= '0' && ch <= '9'));
}
const FALLBACK = FONT.get('?')!;

function glyph(ch: string): Glyph {
  return FONT.get(ch) ?? FALLBACK;
}

/**
 * Which point of the text box `x` names: its left edge, centre or right edge.
 *
 * @example
 * drawText(canvas, '0.5', x, y, INK, { align: 'right' });
 */
export type TextAlign = 'left' | 'center' | 'right';

/**
 * Which line of the text box `y` names: the cap top, the middle of the caps, or the
 * baseline.
 *
 * @example
 * drawText(canvas, '0.5', x, y, INK, { baseline: 'middle' });
 */
export type TextBaseline = 'top' | 'middle' | 'bottom';

/**
 * How {@link drawText} places and colours text.
 *
 * @example
 * const title: TextOptions = { scale: 2, align: 'center', bold: true };
 */
export interface TextOptions {
  /** Integer magnification of the 5×7 font; 1 by default. */
  scale?: number;
  /** Horizontal anchor: `x` is the text's left edge, centre or right edge. */
  align?: TextAlign;
  /** Vertical anchor: `y` is the cap top, middle of the caps, or the baseline. */
  baseline?: TextBaseline;
  /** Draw each pixel twice, one pixel apart, for a bold look. */
  bold?: boolean;
  /** Rotate 90° counter-clockwise (reads bottom to top), for a y-axis label. */
  vertical?: boolean;
}

/**
 * Anything text can be drawn on: a pixel setter and a size.
 *
 * @example
 * drawText(new Canvas(100, 20), 'hi', 2, 2, [0, 0, 0]);
 */
export interface PixelTarget {
  readonly width: number;
  readonly height: number;
  set(x: number, y: number, color: readonly [number, number, number]): void;
}

/**
 * The width in pixels of `text` at `scale` (the advance of its glyphs, without the
 * trailing gap after the last one).
 *
 * @example
 * textWidth('loss', 2); // 38
 */
export function textWidth(text: string, scale = 1): number {
  let w = 0;
  for (const ch of text) w += glyph(ch).advance;
  return Math.max(0, w - 1) * scale;
}

/**
 * The height of a line of text at `scale`: cap height plus descender.
 *
 * @example
 * textHeight(2); // 18
 */
export function textHeight(scale = 1): number {
  return (GLYPH_HEIGHT + DESCENT) * scale;
}

/**
 * Draws `text` on `target` with the built-in font; characters outside the font draw as
 * `?`. Pixels outside the target are dropped.
 *
 * @example
 * drawText(canvas, 'epoch 3', 240, 10, [0, 0, 0], { scale: 2, align: 'center' });
 */
export function drawText(
  target: PixelTarget,
  text: string,
  x: number,
  y: number,
  color: readonly [number, number, number],
  options: TextOptions = {},
): void {
  const scale = Math.max(1, Math.round(options.scale ?? 1));
  const width = textWidth(text, scale);
  const along = options.align === 'center' ? width / 2 : options.align === 'right' ? width : 0;
  const across =
    options.baseline === 'middle'
      ? (GLYPH_HEIGHT * scale) / 2
      : options.baseline === 'bottom'
        ? GLYPH_HEIGHT * scale
        : 0;
  const vertical = options.vertical === true;
  // Pen position along the text direction and the top of the caps across it.
  let pen = Math.round(vertical ? y + along : x - along);
  const top = Math.round(vertical ? x - across : y - across);
  const bolds = options.bold === true ? 2 : 1;
  for (const ch of text) {
    const g = glyph(ch);
    for (let r = 0; r < g.rows.length; r++) {
      const bits = g.rows[r]!;
      for (let c = 0; bits >> c !== 0; c++) {
        if (((bits >> c) & 1) === 0) continue;
        for (let sy = 0; sy < scale; sy++) {
          for (let sx = 0; sx < scale + bolds - 1; sx++) {
            const u = c * scale + sx;
            const v = top + r * scale + sy;
            if (vertical) target.set(v, pen - u, color);
            else target.set(pen + u, v, color);
          }
        }
      }
    }
    pen += vertical ? -g.advance * scale : g.advance * scale;
  }
}
