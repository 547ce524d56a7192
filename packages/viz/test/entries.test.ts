// The package's entries: '@tapegrad/viz' (src/index.ts) stays free of node: imports and of
// resvg's native module, so it bundles for the browser; '@tapegrad/viz/node' adds PNG output.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as node from '../src/node.js';

const src = join(import.meta.dirname, '..', 'src');

/** The bare imports (packages, node: modules) of every module reachable from `entry`. */
function bareImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)) {
      if (spec!.startsWith('.')) visit(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')));
      else bare.add(spec!);
    }
  };
  visit(entry);
  return bare;
}

describe('package entries', () => {
  it("keeps '@tapegrad/viz' free of node: modules and resvg", () => {
    const bare = [...bareImports(join(src, 'index.ts'))].sort();
    expect(bare).toEqual(['fast-png', 'vega', 'vega-interpreter', 'vega-lite']);
    expect([...bareImports(join(src, 'node.ts'))]).toEqual(
      expect.arrayContaining(['@resvg/resvg-js', 'node:fs/promises', 'node:module']),
    );
  });

  it("gives everything of '@tapegrad/viz' from '@tapegrad/viz/node', and PNG output", () => {
    const fromNode = new Map(Object.entries(node));
    for (const [name, value] of Object.entries(main)) expect(fromNode.get(name), name).toBe(value);
    expect(
      Object.keys(node)
        .filter((name) => !(name in main))
        .sort(),
    ).toEqual(['renderPng', 'svgToPng', 'writePng']);
  });

  it('maps each entry to its source and its built file', () => {
    const pkg = JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8'));
    expect(pkg.exports).toEqual({
      '.': {
        'tapegrad-source': './src/index.ts',
        types: './dist/index.d.ts',
        default: './dist/index.js',
      },
      './node': {
        'tapegrad-source': './src/node.ts',
        types: './dist/node.d.ts',
        default: './dist/node.js',
      },
    });
  });
});
