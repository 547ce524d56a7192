// writePng: the PNG lands whole at its path (folders made), no temporary file is left beside
// it, and a render that fails leaves the old file as it was.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import { linePlot, renderPng, writePng } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'tapegrad-viz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const spec = linePlot([{ name: 'loss', y: [3, 2, 1] }], { width: 100, height: 60 });

describe('writePng', () => {
  it('writes the rendered PNG into new folders and leaves no temporary file', async () => {
    const path = join(dir, 'a', 'b', 'loss.png');
    expect(await writePng(path, spec, { scale: 1 })).toBe(path);
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['loss.png']);
    const bytes = readFileSync(path);
    expect(bytes.equals(await renderPng(spec, { scale: 1 }))).toBe(true);
    const png = decode(bytes);
    expect(png.width).toBeGreaterThan(100);
  });

  it('replaces an old file whole', async () => {
    const path = join(dir, 'replace.png');
    writeFileSync(path, 'old');
    await writePng(path, spec);
    expect(decode(readFileSync(path)).width).toBeGreaterThan(200);
    expect(readdirSync(dir).filter((f) => f.includes('replace'))).toEqual(['replace.png']);
  });

  it('leaves the old file as it was when the render fails', async () => {
    const path = join(dir, 'kept.png');
    writeFileSync(path, 'old picture');
    const broken = { mark: 'point', encoding: { x: { field: 'a', type: 'interval' } } };
    await expect(writePng(path, broken as never)).rejects.toThrow(/^renderSvg: /);
    expect(readFileSync(path, 'utf8')).toBe('old picture');
    expect(readdirSync(dir).filter((f) => f.includes('kept'))).toEqual(['kept.png']);
  });

  it('removes the temporary file when the write fails', async () => {
    // a folder where the file should go: the rename fails
    const path = join(dir, 'taken');
    await writePng(join(path, 'inside.png'), spec, { scale: 1 });
    await expect(writePng(path, spec, { scale: 1 })).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
