// Storage stays inside core: no code in nn, optim, datasets, the examples or the benchmarks
// reaches into a tensor's storage (the buffer, offset and strides of the ndarray behind
// `Tensor.data`). Writes go through the in-place methods; reads through `toTypedArray()`, or
// op-kit's `denseValues` when a copy would cost too much.
//
// The scan is syntactic: TypeScript's parser, no type checker. It sees code only (not comments
// or strings) and follows chains split over lines, but it cannot know that `x` is a Tensor.
// So it flags what only a tensor's ndarray looks like (`.data` that itself has `.data`,
// `.offset`, `.stride` or ndarray view methods) and the aliases this codebase has used: a
// variable or destructuring holding `.data`, a cast that replaces `.data`, a tensor built over
// another's `.data`, a kernel handed `.data` to write, a write through `denseValues`. It cannot
// follow storage passed through a function, a field or a variable assigned later.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { assert, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The folders scanned, one test each; every .ts file below them but node_modules and dist. */
const AREAS = ['packages/nn', 'packages/optim', 'packages/datasets', 'examples', 'bench'];

const ADVICE = [
  "Only @tapegrad/core touches a tensor's storage (Tensor.data's buffer, offset and strides).",
  'Write with the in-place methods, inside noGrad(() => …) when the tensor requires grad:',
  '  copy_, fill_, zero_, add_, sub_, mul_, div_, clamp_, normal_, uniform_, set_',
  '  (e.g. noGrad(() => w.sub_(w.grad!.mul(lr))), bias.zero_(), p.copy_(tensor(values))).',
  'Read a copy with t.toTypedArray() (or toArray(), item()); read without copying with',
  "denseValues(t) from '@tapegrad/core/op-kit', never writing into what it returns.",
].join('\n');

/** The ndarray fields that are a tensor's storage. */
const STORAGE_FIELDS = new Set(['data', 'offset', 'stride']);
/** ndarray methods that make a view sharing the storage (typed arrays have none of them). */
const VIEW_METHODS = new Set(['pick', 'lo', 'hi', 'step', 'transpose']);
/** Kernels that write into a view they are handed (op-kit's `kernels()`). */
const WRITING_KERNELS = new Set(['copy', 'fill', 'map', 'scatterAdd', 'sgdStep', 'adamStep']);
/** Typed-array methods that change the array. */
const MUTATORS = new Set(['set', 'fill', 'copyWithin', 'sort', 'reverse']);
/** op-kit's functions that return the current backend's kernels. */
const KERNELS = ['kernels', 'kernelsOf'];

interface Hit {
  readonly file: string;
  readonly line: number;
  readonly what: string;
  readonly code: string;
}

/** `e` without the parentheses, `!` and type assertions around it. */
function bare(e: ts.Expression): ts.Expression {
  while (
    ts.isParenthesizedExpression(e) ||
    ts.isNonNullExpression(e) ||
    ts.isAsExpression(e) ||
    ts.isSatisfiesExpression(e) ||
    ts.isTypeAssertionExpression(e)
  ) {
    e = e.expression;
  }
  return e;
}

/** The member read by `x.name` or `x['name']` (optional chaining included), else null. */
function memberName(n: ts.Node): string | null {
  if (ts.isPropertyAccessExpression(n)) return n.name.text;
  if (ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression)) {
    return n.argumentExpression.text;
  }
  return null;
}

function isDataAccess(e: ts.Expression): e is ts.AccessExpression {
  return memberName(bare(e)) === 'data';
}

/** Whether `e` is `x.data`, or a chain of calls and members on it (`x.data.transpose(1, 0)`). */
function reachesData(e: ts.Expression): boolean {
  for (let n = bare(e); ; ) {
    if (ts.isPropertyAccessExpression(n) || ts.isElementAccessExpression(n)) {
      if (memberName(n) === 'data') return true;
      n = bare(n.expression);
    } else if (ts.isCallExpression(n)) n = bare(n.expression);
    else return false;
  }
}

function isCallTo(e: ts.Expression, names: readonly string[]): boolean {
  const n = bare(e);
  return (
    ts.isCallExpression(n) && ts.isIdentifier(n.expression) && names.includes(n.expression.text)
  );
}

/** The block (or function, or file) a `const`/`let` declared at `n` is visible in. */
function scopeOf(n: ts.Node): ts.Node {
  let p = n.parent;
  while (!(ts.isBlock(p) || ts.isSourceFile(p) || ts.isFunctionLike(p) || ts.isModuleBlock(p))) {
    p = p.parent;
  }
  return p;
}

type AliasKind = 'ndarray' | 'dense' | 'denseBuffer' | 'kernels';
interface Alias {
  readonly name: string;
  readonly kind: AliasKind;
  readonly from: number;
  readonly to: number;
}

/** Variables holding a `.data` (an ndarray when it is a tensor's), what denseValues returns, or the kernels. */
function collectAliases(sf: ts.SourceFile): Alias[] {
  const aliases: Alias[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && n.initializer !== undefined) {
      const scope = scopeOf(n);
      const add = (name: string, kind: AliasKind) =>
        aliases.push({ name, kind, from: n.end, to: scope.end });
      const dense = isCallTo(n.initializer, ['denseValues']);
      if (ts.isIdentifier(n.name)) {
        if (dense) add(n.name.text, 'dense');
        else if (isDataAccess(n.initializer)) add(n.name.text, 'ndarray');
        else if (isCallTo(n.initializer, KERNELS)) add(n.name.text, 'kernels');
      } else if (ts.isObjectBindingPattern(n.name)) {
        for (const el of n.name.elements) {
          const prop = (el.propertyName ?? el.name).getText(sf);
          if (prop === 'data' && ts.isIdentifier(el.name)) {
            add(el.name.text, dense ? 'denseBuffer' : 'ndarray');
          }
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return aliases;
}

/** Every line of `text` (a .ts file) that reaches into a tensor's storage, with how. */
function scanSource(file: string, text: string): Hit[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const aliases = collectAliases(sf);
  const found = new Map<number, Set<string>>();
  const hit = (n: ts.Node, what: string) => {
    const line = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    found.set(line, (found.get(line) ?? new Set()).add(what));
  };
  const aliasOf = (e: ts.Expression, kind: AliasKind): boolean => {
    const n = bare(e);
    return (
      ts.isIdentifier(n) &&
      aliases.some((a) => a.kind === kind && a.name === n.text && n.pos >= a.from && n.end <= a.to)
    );
  };
  /** A typed array that denseValues returned: `denseValues(t).data`, `v.data` or `data`. */
  const isDenseBuffer = (e: ts.Expression): boolean => {
    const n = bare(e);
    if (aliasOf(n, 'denseBuffer')) return true;
    if (!isDataAccess(n)) return false;
    const owner = (n as ts.AccessExpression).expression;
    return isCallTo(owner, ['denseValues']) || aliasOf(owner, 'dense');
  };
  const isDenseElement = (e: ts.Expression): boolean => {
    const n = bare(e);
    return ts.isElementAccessExpression(n) && isDenseBuffer(n.expression);
  };

  const visit = (n: ts.Node): void => {
    const member = memberName(n);
    if (member !== null && STORAGE_FIELDS.has(member)) {
      const owner = bare((n as ts.AccessExpression).expression);
      if (memberName(owner) === 'data') hit(n, `.data.${member}`);
      else if (aliasOf(owner, 'ndarray')) hit(n, `.${member} of an alias of .data`);
    }
    if (ts.isCallExpression(n)) {
      const callee = bare(n.expression);
      const method = memberName(callee);
      const target = method === null ? null : bare((callee as ts.AccessExpression).expression);
      if (target !== null && VIEW_METHODS.has(method!) && memberName(target) === 'data') {
        hit(n, `.data.${method}(): a view of the storage`);
      }
      if (
        target !== null &&
        WRITING_KERNELS.has(method!) &&
        (isCallTo(target, KERNELS) || aliasOf(target, 'kernels')) &&
        n.arguments.some((a) =>
          ts.isArrayLiteralExpression(a) ? a.elements.some(isDataAccess) : isDataAccess(a),
        )
      ) {
        hit(n, `kernels().${method}() handed a tensor's .data`);
      }
      if (target !== null && MUTATORS.has(method!) && isDenseBuffer(target)) {
        hit(n, `.${method}() on what denseValues returned`);
      }
      const first = n.arguments[0];
      const makesTensor =
        isCallTo(n, ['fromNdarray']) ||
        (n.expression.kind === ts.SyntaxKind.SuperKeyword && extendsTensor(n));
      if (first !== undefined && makesTensor && reachesData(first)) {
        hit(n, "a tensor over another tensor's storage");
      }
    }
    if (
      ts.isNewExpression(n) &&
      ts.isIdentifier(n.expression) &&
      /^(Tensor|Parameter)$/.test(n.expression.text) &&
      n.arguments?.[0] !== undefined &&
      reachesData(n.arguments[0])
    ) {
      hit(n, "a tensor over another tensor's storage");
    }
    if (ts.isObjectBindingPattern(n) && destructuresNdarray(n)) {
      hit(n, 'destructures .data');
    }
    if (
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      n.operatorToken.kind <= ts.SyntaxKind.LastAssignment
    ) {
      const left = n.left;
      if (memberName(left) === 'data') {
        let inner: ts.Expression = (left as ts.AccessExpression).expression;
        while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
        if (ts.isAsExpression(inner) || ts.isTypeAssertionExpression(inner)) {
          hit(n, '.data replaced through a cast');
        }
      }
      if (isDenseElement(left)) hit(n, 'a write into what denseValues returned');
    }
    if (
      (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) &&
      (n.operator === ts.SyntaxKind.PlusPlusToken ||
        n.operator === ts.SyntaxKind.MinusMinusToken) &&
      isDenseElement(n.operand)
    ) {
      hit(n, 'a write into what denseValues returned');
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  const lines = text.split('\n');
  return [...found]
    .sort(([a], [b]) => a - b)
    .map(([line, what]) => ({
      file,
      line,
      what: [...what].join('; '),
      code: lines[line - 1]!.trim(),
    }));
}

/** `super(…)` in a class that extends Tensor or Parameter. */
function extendsTensor(call: ts.CallExpression): boolean {
  let p: ts.Node = call;
  while (!ts.isClassLike(p)) {
    if (ts.isSourceFile(p)) return false;
    p = p.parent;
  }
  return (p.heritageClauses ?? []).some((h) =>
    h.types.some((t) => /(^|\.)(Tensor|Parameter)$/.test(t.expression.getText())),
  );
}

/** `{ data, offset, stride }` taken from `x.data`, or nested under a `data:` binding. */
function destructuresNdarray(pattern: ts.ObjectBindingPattern): boolean {
  const parent = pattern.parent;
  const fromData =
    (ts.isVariableDeclaration(parent) &&
      parent.initializer !== undefined &&
      isDataAccess(parent.initializer)) ||
    (ts.isBindingElement(parent) && (parent.propertyName ?? parent.name).getText() === 'data');
  return (
    fromData &&
    pattern.elements.some((el) => STORAGE_FIELDS.has((el.propertyName ?? el.name).getText()))
  );
}

/** Every .ts file below `dir`, but node_modules and dist. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : tsFiles(path);
    return /\.[cm]?tsx?$/.test(e.name) ? [path] : [];
  });
}

function report(area: string, hits: readonly Hit[]): string {
  const width = Math.max(...hits.map((h) => `${h.file}:${h.line}`.length));
  const list = hits.map((h) => {
    const code = h.code.length > 90 ? `${h.code.slice(0, 89)}…` : h.code;
    return `  ${`${h.file}:${h.line}`.padEnd(width)}  ${h.what}: ${code}`;
  });
  return [`${area}: ${hits.length} place(s) reach into a tensor's storage:`, ...list, ADVICE].join(
    '\n',
  );
}

describe("storage stays inside core: nothing else reaches a tensor's buffer", () => {
  it.each(AREAS)('%s', (area) => {
    const files = tsFiles(join(ROOT, area));
    expect(files.length).toBeGreaterThan(0);
    const hits = files.flatMap((f) =>
      scanSource(relative(ROOT, f).split('\\').join('/'), readFileSync(f, 'utf8')),
    );
    if (hits.length > 0) assert.fail(report(area, hits));
  });
});

describe('the storage scan', () => {
  const scan = (code: string) => scanSource('x.ts', code).map((h) => `${h.line}: ${h.what}`);

  it('finds storage fields however the chain is written', () => {
    expect(
      scan(`p.data.data.fill(0);
b?.data.offset;
g!.data!.stride;
t.data['data'][0] = 1;
(t.data as any).data;
w.data
  .data.set(v);`),
    ).toEqual([
      '1: .data.data',
      '2: .data.offset',
      '3: .data.stride',
      '4: .data.data',
      '5: .data.data',
      '6: .data.data',
    ]);
  });

  it('finds the aliases: variables, destructuring, casts, views, tensors over storage, kernels', () => {
    expect(
      scan(`const nd = t.data;
nd.data[0] = 1;
const { data, offset } = t.data;
const { data: { stride } } = t;
(p as unknown as { data: unknown }).data = q.data;
const s = fromNdarray(base.data.transpose(1, 0));
class P extends Tensor { constructor(v: Tensor) { super(v.data, true); } }
kernels().fill(t.data, 0);
new Tensor(t.data);
const k = kernels();
k.copy(src, t.data);`),
    ).toEqual([
      '2: .data of an alias of .data',
      '3: destructures .data',
      '4: destructures .data',
      '5: .data replaced through a cast',
      "6: a tensor over another tensor's storage; .data.transpose(): a view of the storage",
      "7: a tensor over another tensor's storage",
      "8: kernels().fill() handed a tensor's .data",
      "9: a tensor over another tensor's storage",
      "11: kernels().copy() handed a tensor's .data",
    ]);
  });

  it('finds writes into what denseValues returned, not reads', () => {
    expect(
      scan(`const { data, offset } = denseValues(t);
let s = data[offset] + data[offset + 1];
data[offset] = 0;
const v = denseValues(t);
v.data[0] += 1;
v.data.fill(0);
denseValues(t).data[1]++;`),
    ).toEqual([
      '3: a write into what denseValues returned',
      '5: a write into what denseValues returned',
      '6: .fill() on what denseValues returned',
      '7: a write into what denseValues returned',
    ]);
  });

  it('leaves other .data fields, comments and strings alone', () => {
    expect(
      scan(`// p.data.data is storage
const msg = 'never write x.data.data';
class Canvas { data = new Uint8Array(4); clear() { this.data.fill(0); this.data = new Uint8Array(4); } }
const d = plot.data;
d[0] = 255;
png.data = Buffer.from(canvas.data.buffer);
canvas.data.set(source.data.subarray(0, 4), 8);
kernels().softmaxCrossEntropyBackward(z, labels, scale, out.data);
const { data, shape } = toIndexArray(op, labels);
const y = data[0] + idx.data.length;
const { data: values } = readPng(file);`),
    ).toEqual([]);
  });
});
