// renderSvg generates no code at run time: in a Node that refuses `eval` and `new Function`
// (--disallow-code-generation-from-strings, what a Content-Security-Policy without
// 'unsafe-eval' does in a browser), every kind of spec still renders. Vega's own expression
// compiler would throw there; renderSvg uses Vega's interpreter.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

const SCRIPT = `
let blocked = false;
try { new Function('return 1'); } catch { blocked = true; }
const viz = await import('@tapegrad/viz');
const square = { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
const specs = [
  viz.trainingCurves({ loss: [2, 1, 0.5], regLoss: [0.1, 0.2, 0.3], trainAccuracy: [0.5, 0.9] }),
  viz.decisionRegions({ bounds: square, resolution: 2, classes: [1, 0, 0, 0] }, [0, 0], [1]),
  viz.linePlot([{ name: 'a', y: [1, 10, 100] }], { logY: true }),
  viz.imageView(viz.grayRaster([0, 1, 1, 0], 2, 2), { zoom: 4 }),
];
const svgs = [];
for (const spec of specs) svgs.push(await viz.renderSvg(spec));
console.log(JSON.stringify({ blocked, lines: svgs[0].split('aria-roledescription="line mark"').length - 1, starts: svgs.map((s) => s.slice(0, 4)) }));
`;

describe('renderSvg without code generation', () => {
  it('renders every kind of spec where eval and new Function throw', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--disallow-code-generation-from-strings',
        '--conditions=tapegrad-source',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        SCRIPT,
      ],
      { cwd: join(import.meta.dirname, '..') },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(result.blocked).toBe(true);
    // the data loss, the regularization loss and the train accuracy
    expect(result.lines).toBe(3);
    expect(result.starts).toEqual(['<svg', '<svg', '<svg', '<svg']);
  });
});
