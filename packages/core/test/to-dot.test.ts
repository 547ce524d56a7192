// toDot: the graph behind a tensor in Graphviz DOT, checked by parsing nodes and edges back.

import { defineOp, linear, matmul, type Tensor, tensor, toDot, zeros } from '@tapegrad/core';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';

interface Graph {
  /** id → label */
  readonly nodes: Map<string, string>;
  /** id → attribute text (shape, style) */
  readonly attrs: Map<string, string>;
  /** "from -> to" lines, in order */
  readonly edges: string[];
}

function parse(dot: string): Graph {
  const nodes = new Map<string, string>();
  const attrs = new Map<string, string>();
  const edges: string[] = [];
  for (const line of dot.split('\n')) {
    const edge = /^\s*(\w+) -> (\w+);$/.exec(line);
    if (edge) {
      edges.push(`${edge[1]} -> ${edge[2]}`);
      continue;
    }
    const node = /^\s*((?:op|leaf)\d+) \[(.*)label="((?:[^"\\]|\\.)*)"\];$/.exec(line);
    if (node) {
      nodes.set(node[1]!, node[3]!.replace(/\\n/g, '\n').replace(/\\(.)/g, '$1'));
      attrs.set(node[1]!, node[2]!);
    }
  }
  return { nodes, attrs, edges };
}

/** The id of the node with this label (exactly one must have it). */
function idOf(g: Graph, label: string): string {
  const ids = [...g.nodes].filter(([, l]) => l === label).map(([id]) => id);
  expect(ids, `nodes labelled ${JSON.stringify(label)}`).toHaveLength(1);
  return ids[0]!;
}

describe('toDot', () => {
  it('writes one node per op and leaf and an edge per input of a small MLP layer', () => {
    const x = tensor(new Float32Array(6), { shape: [2, 3], requiresGrad: true });
    const w = zeros([3, 4], { requiresGrad: true });
    const b = zeros([4]);
    const loss = matmul(x, w).add(b).relu().sum();
    const dot = toDot(loss);
    expect(dot.startsWith('digraph tapegrad {')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);

    const g = parse(dot);
    expect(g.nodes.size).toBe(7);
    const xId = idOf(g, '[2,3]\nrequiresGrad');
    const wId = idOf(g, '[3,4]\nrequiresGrad');
    const bId = idOf(g, '[4]');
    const mm = idOf(g, 'matmul [2,4]');
    const add = idOf(g, 'add [2,4]');
    const relu = idOf(g, 'relu [2,4]');
    const sum = idOf(g, 'sum []');
    expect(new Set(g.edges)).toEqual(
      new Set([
        `${xId} -> ${mm}`,
        `${wId} -> ${mm}`,
        `${mm} -> ${add}`,
        `${bId} -> ${add}`,
        `${add} -> ${relu}`,
        `${relu} -> ${sum}`,
      ]),
    );
    expect(g.edges).toHaveLength(6);
    // leaves are boxes; the ones that require grad are filled, constants dashed
    expect(g.attrs.get(xId)).toContain('shape=box');
    expect(g.attrs.get(xId)).toContain('filled');
    expect(g.attrs.get(bId)).toContain('dashed');
  });

  it('shows a number given to an op as a 0-d constant leaf, and one edge per use', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const g = parse(toDot(x.mul(x).add(1)));
    const xId = idOf(g, '[2]\nrequiresGrad');
    const one = idOf(g, '[]');
    const mul = idOf(g, 'mul [2]');
    const add = idOf(g, 'add [2]');
    expect(g.edges.sort()).toEqual(
      [`${xId} -> ${mul}`, `${xId} -> ${mul}`, `${mul} -> ${add}`, `${one} -> ${add}`].sort(),
    );
  });

  it('shares a node used twice (diamond) and lists ops in creation order', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const h = x.exp();
    const y = h.mul(2).add(h.sqrt());
    const g = parse(toDot(y));
    const ops = [...g.nodes.keys()].filter((id) => id.startsWith('op'));
    expect(ops.map((id) => g.nodes.get(id))).toEqual(['exp [3]', 'mul [3]', 'sqrt [3]', 'add [3]']);
    const exp = idOf(g, 'exp [3]');
    expect(g.edges.filter((e) => e.startsWith(`${exp} ->`))).toHaveLength(2);
  });

  it('still prints the graph after a backward has freed it', () => {
    const x = tensor([[1, 2]], { requiresGrad: true });
    const loss = x.transpose().sum();
    loss.backward();
    const g = parse(toDot(loss));
    expect([...g.nodes.values()].sort()).toEqual([
      '[1,2]\nrequiresGrad',
      'sum []',
      'transpose [2,1]',
    ]);
  });

  it('prints a leaf on its own', () => {
    const g = parse(toDot(zeros([5, 2])));
    expect([...g.nodes.values()]).toEqual(['[5,2]']);
    expect(g.edges).toEqual([]);
  });

  it('escapes quotes and backslashes in op names', () => {
    const odd = defineOp({
      name: 'my "op"\\x',
      forward: ([a]) => ndarray(a!.data.slice(), a!.shape.slice()),
      backward: (dy) => [dy],
    });
    const g = parse(toDot(odd(tensor([1], { requiresGrad: true }))));
    idOf(g, 'my "op"\\x [1]');
  });

  it('walks a chain of 100,000 ops without recursion', () => {
    let y: Tensor = tensor(1, { requiresGrad: true });
    for (let i = 0; i < 100_000; i++) y = y.neg();
    const g = parse(toDot(y));
    expect(g.nodes.size).toBe(100_001);
    expect(g.edges).toHaveLength(100_000);
  });
});

describe('toDot names leaves', () => {
  it('from [name, tensor] pairs (namedParameters) or an object; others keep their shape only', () => {
    const x = tensor([[1, 2]]);
    const w = tensor(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { requiresGrad: true },
    );
    const b = tensor([0, 0, 0], { requiresGrad: true });
    const y = linear(x, w, b).sum();
    const byPairs = toDot(y, {
      params: [
        ['0.weight', w],
        ['0.bias', b],
      ],
    });
    expect(byPairs).toContain('label="0.weight\\n[3,2]\\nrequiresGrad"');
    expect(byPairs).toContain('label="0.bias\\n[3]\\nrequiresGrad"');
    expect(byPairs).toContain('label="[1,2]"');
    expect(toDot(y, { params: { fc: w } })).toContain('label="fc\\n[3,2]\\nrequiresGrad"');
    expect(() => toDot(y, { params: [[w, 'name']] as never })).toThrow(
      /^toDot: options\.params must hold \[name, Tensor\] pairs/,
    );
    expect(() => toDot(y, { names: {} } as never)).toThrow(/names/);
  });
});
