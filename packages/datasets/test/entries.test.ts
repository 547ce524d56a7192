// The package's entries: './browser' (src/index.ts) stays free of node: imports and is what
// '.' gives bundlers under the 'browser' condition; in Node, '.' and './node' (src/node.ts)
// add the file loaders that DESIGN.md promises from '@tapegrad/datasets'.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as node from '../src/node.js';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Every module reachable from `entry` through relative imports, with its bare imports. */
function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/(?:import|export)[^'"]*?from\s+'([^']+)'/g)].map((m) => m[1]!);
    graph.set(
      file,
      specs.filter((s) => !s.startsWith('.')),
    );
    for (const s of specs.filter((s) => s.startsWith('.'))) {
      visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
    }
  };
  visit(entry);
  return graph;
}

describe('package entries', () => {
  it("keeps '@tapegrad/datasets' free of node: modules", () => {
    const graph = importGraph(join(src, 'index.ts'));
    expect(graph.size).toBeGreaterThan(10);
    const bare = new Set([...graph.values()].flat());
    expect([...bare].filter((s) => s.startsWith('node:') || s === 'mnist')).toEqual([]);
    // …while the node entry does read files
    const nodeBare = new Set([...importGraph(join(src, 'node.ts')).values()].flat());
    expect(nodeBare.has('node:fs')).toBe(true);
  });

  it("re-exports everything of '.' from './node', plus the loaders", () => {
    const nodeExports: Record<string, unknown> = { ...node };
    for (const [name, value] of Object.entries(main)) expect(nodeExports[name]).toBe(value);
    expect(typeof node.loadMnist).toBe('function');
    expect(typeof node.loadCifar10).toBe('function');
    expect('loadMnist' in main).toBe(false);
  });

  it('resolves the entries through the package exports', async () => {
    const viaPackage = await import('@tapegrad/datasets');
    const viaNode = await import('@tapegrad/datasets/node');
    const viaBrowser = await import('@tapegrad/datasets/browser');
    expect(viaPackage.spiral).toBe(main.spiral);
    expect(viaPackage.loadMnist).toBe(node.loadMnist);
    expect(viaNode.loadMnist).toBe(node.loadMnist);
    expect('loadMnist' in viaBrowser).toBe(false);
  });
});

/** The target `exports[entry]` gives under `conditions`, by Node's rule: the first key that applies. */
function target(entry: string, conditions: readonly string[]): string | null {
  const pkg = JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  const pick = (node: unknown): string | null => {
    if (typeof node === 'string') return node;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (key !== 'default' && !conditions.includes(key)) continue;
      const found = pick(value);
      if (found !== null) return found;
    }
    return null;
  };
  return pick(pkg.exports[entry]);
}

describe("the package's exports map", () => {
  it("gives a browser build the browser entry's code and types, Node the node entry's", () => {
    // TypeScript with the 'browser' condition (a bundler's tsconfig) and bundlers
    expect(target('.', ['types', 'browser', 'import'])).toBe('./dist/index.d.ts');
    expect(target('.', ['browser', 'import'])).toBe('./dist/index.js');
    // Node, and TypeScript without the 'browser' condition
    expect(target('.', ['types', 'node', 'import'])).toBe('./dist/node.d.ts');
    expect(target('.', ['node', 'import'])).toBe('./dist/node.js');
    // the workspace's own source condition
    expect(target('.', ['tapegrad-source', 'browser', 'types'])).toBe('./src/index.ts');
    expect(target('.', ['tapegrad-source', 'node'])).toBe('./src/node.ts');
    expect(target('./browser', ['types', 'browser'])).toBe('./dist/index.d.ts');
    expect(target('./node', ['types'])).toBe('./dist/node.d.ts');
  });
});
