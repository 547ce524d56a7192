// toDot: the recorded graph behind a tensor as Graphviz DOT, walked iteratively so that
// graphs of 10^5+ nodes print without exhausting the stack.
import type { Node } from './autograd/node.js';
import { fmtShape } from './errors.js';
import type { Tensor } from './tensor.js';

/** A DOT string literal: backslashes and quotes escaped, newlines as `\n`. */
function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * The graph behind `t` in Graphviz DOT: one box per leaf tensor (its shape, and
 * `requiresGrad` when set), one ellipse per recorded op (its name and output shape, e.g.
 * `matmul [32,10]`), and an edge from each input to the op that consumed it. Nodes are
 * listed in creation order; ops are `op<seq>`, leaves `leaf<k>`.
 *
 * @example
 * const loss = x.matmul(w).relu().sum();
 * writeFileSync('graph.dot', toDot(loss)); // then: dot -Tsvg graph.dot > graph.svg
 */
export function toDot(t: Tensor): string {
  const leafIds = new Map<Tensor, string>();
  const leafLines: string[] = [];
  const leafId = (leaf: Tensor): string => {
    let id = leafIds.get(leaf);
    if (id === undefined) {
      id = `leaf${leafIds.size}`;
      leafIds.set(leaf, id);
      const label = `${fmtShape(leaf.shape)}${leaf.requiresGrad ? '\nrequiresGrad' : ''}`;
      const style = leaf.requiresGrad ? 'filled' : 'dashed';
      leafLines.push(`  ${id} [shape=box, style=${style}, label=${quote(label)}];`);
    }
    return id;
  };

  // Every node reachable from t, with the shape of the tensor it produced (known from
  // any tensor whose gradFn it is, even after backward has freed the node's context).
  const shapes = new Map<Node, readonly number[]>();
  const stack: Node[] = [];
  if (t.gradFn === null) leafId(t);
  else {
    shapes.set(t.gradFn, t.shape);
    stack.push(t.gradFn);
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const input of node.inputs) {
      const fn = input.gradFn;
      if (fn !== null && !shapes.has(fn)) {
        shapes.set(fn, input.shape);
        stack.push(fn);
      }
    }
  }
  const nodes = [...shapes.keys()].sort((a, b) => a.seq - b.seq);

  const opLines: string[] = [];
  const edgeLines: string[] = [];
  for (const node of nodes) {
    const id = `op${node.seq}`;
    opLines.push(`  ${id} [label=${quote(`${node.op} ${fmtShape(shapes.get(node)!)}`)}];`);
    for (const input of node.inputs) {
      const from = input.gradFn === null ? leafId(input) : `op${input.gradFn.seq}`;
      edgeLines.push(`  ${from} -> ${id};`);
    }
  }
  return [
    'digraph tapegrad {',
    '  rankdir=LR;',
    '  node [fontname="Helvetica"];',
    ...leafLines,
    ...opLines,
    ...edgeLines,
    '}',
    '',
  ].join('\n');
}
