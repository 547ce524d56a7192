// toDot: the recorded graph behind a tensor as Graphviz DOT, walked iteratively so that
// graphs of 10^5+ nodes print without exhausting the stack.
import { checkOptions } from './args.js';
import type { Node } from './autograd/node.js';
import { describeValue, fmtShape, ValueError } from './errors.js';
import { type CoreOpCall, coreOpCall, type OpAttributes, type OpName } from './ops/registry.js';
import { Tensor } from './tensor.js';

const none = (): string => '';
const list = (xs: readonly number[]): string => `[${xs.join(',')}]`;
const reduction = (a: OpAttributes['sum']): string => `dims=${list(a.dims)} keepdim=${a.keepdim}`;
const along = (a: { readonly dim: number }): string => `dim=${a.dim}`;
const sliced = (a: OpAttributes['slice']): string => `dim=${a.dim} start=${a.start} end=${a.end}`;
const slope = (a: OpAttributes['leakyRelu']): string => `negativeSlope=${a.negativeSlope}`;

/** Each core op's attributes as text (the node's tooltip); one entry per op, checked by the compiler. */
const ATTRIBUTES: { readonly [K in OpName]: (attrs: OpAttributes[K]) => string } = {
  abs: none,
  add: none,
  argmax: (a) => `dim=${a.dim ?? 'all'} keepdim=${a.keepdim}`,
  cast: (a) => `dtype=${a.dtype}`,
  clone: none,
  concat: along,
  div: none,
  eq: none,
  exp: none,
  expand: (a) => `shape=${list(a.shape)}`,
  gather: (a) => `dim=${a.dim} index=${list(a.index.shape)}`,
  ge: none,
  gt: none,
  indexAdd: (a) => `dim=${a.dim} index=[${a.index.length}] size=${a.size}`,
  indexSelect: (a) => `dim=${a.dim} index=[${a.index.length}]`,
  le: none,
  leakyRelu: slope,
  leakyReluBackward: slope,
  linear: none,
  linearRelu: none,
  log: none,
  logSoftmax: along,
  logsumexp: reduction,
  lt: none,
  matmul: none,
  max: reduction,
  maximum: none,
  minimum: none,
  mul: none,
  neg: none,
  padSlice: (a) => `${sliced(a)} size=${a.size}`,
  pow: none,
  relu: none,
  reluBackward: none,
  reshape: (a) => `shape=${list(a.shape)}`,
  scatterAdd: (a) => `dim=${a.dim} shape=${list(a.shape)}`,
  sigmoid: none,
  sign: none,
  slice: sliced,
  softmax: along,
  sqrt: none,
  sub: none,
  sum: reduction,
  tanh: none,
  transpose: (a) => `d0=${a.d0} d1=${a.d1}`,
  where: none,
};

function describeAttrs(call: CoreOpCall): string {
  // each entry takes its own op's attributes; the union needs the cast
  return (ATTRIBUTES[call.op] as (a: CoreOpCall['attrs']) => string)(call.attrs);
}

/** The DOT attributes of an op node besides its label: its attributes as a tooltip, internal ops dotted. */
function opStyle(node: Node): string {
  const call = coreOpCall(node);
  const text = call === null ? '' : describeAttrs(call);
  const parts = [
    ...(text === '' ? [] : [`tooltip=${quote(text)}`]),
    ...(node.def.internal === true ? ['style=dotted'] : []),
  ];
  return parts.length === 0 ? '' : `${parts.join(', ')}, `;
}

/** A DOT string literal: backslashes and quotes escaped, newlines as `\n`. */
/** Options of {@link toDot}. */
export interface ToDotOptions {
  /** Names for leaf tensors: `[name, tensor]` pairs (`namedParameters()`) or `{ name: tensor }`. */
  readonly params?: Iterable<readonly [string, Tensor]> | Readonly<Record<string, Tensor>>;
}

/** The names `options.params` gives, by tensor; a ValueError for anything else. */
function paramNames(options: ToDotOptions): Map<Tensor, string> {
  const op = 'toDot';
  checkOptions(op, options, ['params']);
  const out = new Map<Tensor, string>();
  const { params } = options;
  if (params === undefined) return out;
  const pairs =
    typeof (params as Iterable<unknown>)[Symbol.iterator] === 'function'
      ? [...(params as Iterable<readonly [string, Tensor]>)]
      : Object.entries(params as Record<string, Tensor>);
  for (const pair of pairs) {
    const [name, tensor] = (Array.isArray(pair) ? pair : []) as [unknown, unknown];
    if (typeof name !== 'string' || !(tensor instanceof Tensor)) {
      throw new ValueError(
        op,
        `options.params must hold [name, Tensor] pairs (a module's namedParameters()) or { name: Tensor }, got ${describeValue(pair)}`,
      );
    }
    if (!out.has(tensor)) out.set(tensor, name);
  }
  return out;
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * The graph behind `t` in Graphviz DOT: one box per leaf tensor (its shape, and
 * `requiresGrad` when set), one ellipse per recorded op (its name and output shape, e.g.
 * `matmul [32,10]`; its attributes, such as a reduction's dims, as the node's tooltip; ops
 * internal to another op's backward dotted), and an edge from each input to the op that
 * consumed it. Nodes are listed in creation order; ops are `op<seq>`, leaves `leaf<k>`.
 *
 * `options.params` names leaves (as torchviz's `make_dot(y, params=…)`): pairs
 * `[name, tensor]` such as a module's `namedParameters()`, or an object of tensors by name;
 * a named leaf's label is its name over its shape.
 *
 * @example
 * const loss = x.matmul(w).relu().sum();
 * writeFileSync('graph.dot', toDot(loss)); // then: dot -Tsvg graph.dot > graph.svg
 * toDot(loss, { params: model.namedParameters() }); // leaves labelled 0.weight, 0.bias, …
 */
export function toDot(t: Tensor, options: ToDotOptions = {}): string {
  if (!(t instanceof Tensor)) {
    throw new ValueError('toDot', `expected a Tensor, got ${describeValue(t)}`);
  }
  const names = paramNames(options);
  const leafIds = new Map<Tensor, string>();
  const leafLines: string[] = [];
  const leafId = (leaf: Tensor): string => {
    let id = leafIds.get(leaf);
    if (id === undefined) {
      id = `leaf${leafIds.size}`;
      leafIds.set(leaf, id);
      const name = names.get(leaf);
      const label = `${name === undefined ? '' : `${name}\n`}${fmtShape(leaf.shape)}${leaf.requiresGrad ? '\nrequiresGrad' : ''}`;
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
    const label = quote(`${node.op} ${fmtShape(shapes.get(node)!)}`);
    opLines.push(`  ${id} [${opStyle(node)}label=${label}];`);
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
