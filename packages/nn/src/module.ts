// Module: the base class of layers and networks. A field holding a Module, a Parameter, or
// an array of them registers itself: parameters(), stateDict(), train()/eval() and to() find
// them by walking the object's own fields, so a layer only assigns its fields. Forward hooks
// run after a module's forward, however it is called.
import { type DType, noGrad, ShapeError, Tensor, ValueError } from '@tapegrad/core';
import type { ActivationStats } from './activation-stats.js';
import { type ShapeMismatch, StateDictError } from './errors.js';
import { checkBoolean, isOptionsObject, optionsOf, show } from './internal/args.js';
import { checkDtype } from './internal/check.js';
import { setStats, statsOf } from './internal/stats-store.js';
import { formatTable } from './internal/table.js';
import { fmtShape, sameShape } from './internal/values.js';
import { castInPlace, Parameter } from './parameter.js';
import { checkRename, type Rename, renameKeys } from './rename.js';

/** Parameter values by dotted name, in the module's order. */
export type StateDict = Map<string, Tensor>;

/** What `loadStateDict` accepts: a `Map` (as `stateDict()` returns) or a plain object. */
export type StateDictLike = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

/** Options of `loadStateDict`. @example model.loadStateDict(sd, { strict: false }) */
export interface LoadStateDictOptions {
  /**
   * true (default): every parameter of the module must be in the state dict and every
   * name of the state dict must be a parameter. false: both may be absent (they are
   * reported in the result). Shapes must match either way.
   */
  readonly strict?: boolean;
  /**
   * The state dict's names as this module's (see `renameKeys`): a table `{ fileName:
   * ourName }` or a function, for trees that differ (`(n) => n.replace(/^module\./, '')`
   * for a DistributedDataParallel checkpoint).
   */
  readonly rename?: Rename;
}

/** What `loadStateDict` skipped. @example const { missing } = model.loadStateDict(sd, { strict: false }); */
export interface LoadStateDictResult {
  /** The module's parameters the state dict did not have (only with `strict: false`). */
  readonly missing: string[];
  /** Names in the state dict the module does not have (only with `strict: false`). */
  readonly unexpected: string[];
}

/** A registered field: where a child module or a parameter sits, so that `functionalCall` can swap it. */
interface Slot {
  readonly name: string;
  readonly holder: Record<string, unknown>;
  readonly key: string;
  readonly value: Module | Parameter;
}

/**
 * A static field of a Module class naming the one array field whose elements are named by
 * their index alone: `Sequential`'s `layers` give `0.weight`, `2.bias`, as PyTorch's
 * `nn.Sequential` names them, not `layers.0.weight`.
 */
export const INDEXED_FIELD: unique symbol = Symbol('tapegrad.indexedField');

/**
 * The registered fields of one module, in field order (arrays give `name.0`, `name.1`, …;
 * the class's INDEXED_FIELD array `0`, `1`, … unless `legacy`: the names before it existed).
 */
function ownSlots(m: Module, legacy = false): Slot[] {
  const fields = m as unknown as Record<string, unknown>;
  const indexed = legacy
    ? undefined
    : (m.constructor as { [INDEXED_FIELD]?: string })[INDEXED_FIELD];
  const out: Slot[] = [];
  for (const key of Object.keys(fields)) {
    const v = fields[key];
    if (v instanceof Module || v instanceof Parameter) {
      out.push({ name: key, holder: fields, key, value: v });
    } else if (Array.isArray(v)) {
      const list = v as unknown[];
      list.forEach((e, i) => {
        if (e instanceof Module || e instanceof Parameter) {
          out.push({
            name: key === indexed ? String(i) : `${key}.${i}`,
            holder: list as unknown as Record<string, unknown>,
            key: String(i),
            value: e,
          });
        }
      });
    }
  }
  return out;
}

/** The parameters held by `m`'s own fields (not its sub-modules'), in field order. */
export function ownParameters(m: Module): Parameter[] {
  return ownSlots(m)
    .map((s) => s.value)
    .filter((v): v is Parameter => v instanceof Parameter);
}

/** `v` if it is a Module; a ValueError from `op` naming the argument otherwise. */
export function checkModule(op: string, name: string, v: unknown): Module {
  if (!(v instanceof Module)) throw new ValueError(op, `${name} must be a Module, got ${show(v)}`);
  return v;
}

/** A module of the tree, its dotted name and its depth (the root is '' at depth 0). */
export interface ModuleEntry {
  readonly name: string;
  readonly module: Module;
  readonly depth: number;
}

/** Every module under `root` once (a shared module under its first name), in pre-order. */
export function walkModules(root: Module, legacy = false): ModuleEntry[] {
  const seen = new Set<Module>();
  const out: ModuleEntry[] = [];
  const stack: ModuleEntry[] = [{ name: '', module: root, depth: 0 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (seen.has(entry.module)) continue;
    seen.add(entry.module);
    out.push(entry);
    const children = ownSlots(entry.module, legacy).filter((s) => s.value instanceof Module);
    for (let i = children.length - 1; i >= 0; i--) {
      const s = children[i]!;
      const name = entry.name === '' ? s.name : `${entry.name}.${s.name}`;
      stack.push({ name, module: s.value as Module, depth: entry.depth + 1 });
    }
  }
  return out;
}

/** The parameters under `root` by dotted name; `legacy`: the names before INDEXED_FIELD. */
function namedParametersOf(root: Module, legacy: boolean): [string, Parameter][] {
  const seen = new Set<Parameter>();
  const out: [string, Parameter][] = [];
  for (const { name, module } of walkModules(root, legacy)) {
    for (const s of ownSlots(module, legacy)) {
      if (!(s.value instanceof Parameter) || seen.has(s.value)) continue;
      seen.add(s.value);
      out.push([name === '' ? s.name : `${name}.${s.name}`, s.value]);
    }
  }
  return out;
}

/**
 * Run `module.forward(...inputs)` with some parameters replaced by the given tensors (by
 * dotted name), then put the module's own parameters back. Gradients then flow to the given
 * tensors: this is how a module's gradients are checked with `gradcheck`, or how one
 * evaluates a network at other weights without touching it.
 *
 * @example
 * const names = model.namedParameters().map(([name]) => name);
 * gradcheck(
 *   (x, ...ps) => functionalCall(model, new Map(names.map((n, i) => [n, ps[i]!])), x),
 *   [x, ...model.parameters()],
 * );
 */
export function functionalCall(
  module: Module,
  parameters: ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>,
  ...inputs: Tensor[]
): Tensor {
  const op = 'functionalCall';
  checkModule(op, 'module', module);
  if (!(parameters instanceof Map) && !isOptionsObject(parameters)) {
    throw new ValueError(
      op,
      `parameters must be a Map or an object of tensors by name, got ${show(parameters)}`,
    );
  }
  const given = parameters instanceof Map ? parameters : new Map(Object.entries(parameters));
  const byParameter = new Map<Parameter, Tensor>();
  const own = new Map(module.namedParameters());
  for (const [name, t] of given) {
    const p = own.get(name);
    if (p === undefined) {
      throw new ValueError(
        'functionalCall',
        `the module has no parameter '${name}' (it has ${[...own.keys()].map((n) => `'${n}'`).join(', ') || 'none'})`,
      );
    }
    if (!(t instanceof Tensor) || !sameShape(t.shape, p.shape)) {
      const got = t instanceof Tensor ? fmtShape(t.shape) : show(t);
      throw new ShapeError(
        'functionalCall',
        `'${name}' must be a tensor of shape ${fmtShape(p.shape)}, got ${got}`,
        t instanceof Tensor ? [p.shape, t.shape] : [p.shape],
      );
    }
    byParameter.set(p, t);
  }
  const restore: (() => void)[] = [];
  try {
    for (const m of module.modules()) {
      for (const s of ownSlots(m)) {
        const t = s.value instanceof Parameter ? byParameter.get(s.value) : undefined;
        if (t === undefined) continue;
        s.holder[s.key] = t;
        restore.push(() => {
          s.holder[s.key] = s.value;
        });
      }
    }
    return module.forward(...inputs);
  } finally {
    for (const undo of restore) undo();
  }
}

/**
 * A function run after a module's forward pass, with the module, the inputs and the output.
 * Returning a tensor replaces the output (what the caller and later hooks get); returning
 * nothing keeps it.
 *
 * @example
 * const logShape: ForwardHook = (module, inputs, output) => {
 *   console.log(`${module}`, output.shape);
 * };
 * const double: ForwardHook = (module, inputs, output) => output.mul(2); // replaces the output
 */
export type ForwardHook<M extends Module = Module> =
  | ((module: M, inputs: readonly Tensor[], output: Tensor) => Tensor)
  | ((module: M, inputs: readonly Tensor[], output: Tensor) => void);

/**
 * What `registerForwardHook` returns: `remove()` unregisters that hook; calling it again does
 * nothing.
 *
 * @example
 * const handle = model.registerForwardHook((m, inputs, y) => console.log(y.shape));
 * model.forward(x); // logs the shape
 * handle.remove();
 */
export interface RemovableHandle {
  remove(): void;
}

/** One registration: the same function registered twice is two entries, each with its handle. */
interface HookEntry {
  readonly hook: ForwardHook;
}

/** Thousands separated by commas: 795,010. */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The base class of every layer and network. Subclasses assign their parameters and
 * sub-modules to fields and implement `forward`; everything else comes from here. A field
 * starting with `#` (a private class field) is not registered. Forward hooks
 * (`registerForwardHook`) run whenever the module's `forward` is called.
 *
 * @example
 * class TwoLayer extends Module {
 *   fc1 = new Linear(3, 4);
 *   act = new ReLU();
 *   fc2 = new Linear(4, 2);
 *   forward(x: Tensor) { return this.fc2.forward(this.act.forward(this.fc1.forward(x))); }
 * }
 * const net = new TwoLayer();
 * net.numParameters();                         // 26
 * net.namedParameters().map(([name]) => name); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 */
export abstract class Module {
  /** Training mode (the default) or evaluation mode; see `train()` and `eval()`. */
  training = true;

  /** The forward hooks in registration order: a new array on every change, never mutated. */
  #forwardHooks: readonly HookEntry[] = [];
  /** An own `forward` the instance had before its first hook (set by hand): called instead of the class's. */
  #shadowedForward: PropertyDescriptor | null = null;

  /** The computation of the module. */
  abstract forward(...inputs: Tensor[]): Tensor;

  /**
   * Whether `forward` is the class's own method with no hook around it but `allowed`: what
   * a container checks before it runs this module fused with the next (Sequential runs a
   * Linear followed by a ReLU as core's `linearRelu`).
   */
  runsOwnForward(allowed: ForwardHook | null = null): boolean {
    const hooks = this.#forwardHooks;
    if (hooks.length === 0) return !Object.hasOwn(this, 'forward');
    return this.#shadowedForward === null && hooks.length === 1 && hooks[0]!.hook === allowed;
  }

  /**
   * Run `hook(module, inputs, output)` after every forward pass of this module — however
   * `forward` is called: by user code, by a container such as `Sequential`, or by
   * `functionalCall`. Hooks run in registration order, each seeing the output as the hooks
   * before it left it; a hook returning a tensor replaces the output. An error thrown by a
   * hook propagates out of `forward`. `super.forward(x)` inside a subclass runs no hooks:
   * they run once, around the outermost call.
   *
   * While a module has hooks it carries a non-enumerable own `forward` that calls its class's
   * `forward`, then the hooks (so fields, parameters and state dicts are unchanged); without
   * hooks `forward` is the class's method itself, with no cost per call.
   *
   * @example
   * const handles = model.namedModules().map(([name, m]) =>
   *   m.registerForwardHook((_, inputs, output) => console.log(name, output.shape)),
   * );
   * model.forward(x); // logs every layer's output shape
   * for (const h of handles) h.remove();
   */
  registerForwardHook(hook: ForwardHook<this>): RemovableHandle {
    if (typeof hook !== 'function') {
      throw new ValueError(
        'registerForwardHook',
        `hook must be a function (module, inputs, output) => Tensor | undefined, got ${show(hook)}`,
      );
    }
    const entry: HookEntry = { hook: hook as ForwardHook };
    this.#forwardHooks = [...this.#forwardHooks, entry];
    this.#syncForward();
    return {
      remove: () => {
        if (!this.#forwardHooks.includes(entry)) return;
        this.#forwardHooks = this.#forwardHooks.filter((e) => e !== entry);
        this.#syncForward();
      },
    };
  }

  /** The own `forward` of a module with hooks: the module's forward, then each hook in order. */
  #forwardWithHooks(...inputs: Tensor[]): Tensor {
    const forward = (this.#shadowedForward?.value ??
      (Object.getPrototypeOf(this) as Module).forward) as (...inputs: Tensor[]) => Tensor;
    let output = forward.apply(this, inputs);
    // read after the forward pass: a hook added or removed meanwhile counts from now on
    const hooks = this.#forwardHooks;
    for (let i = 0; i < hooks.length; i++) {
      const replaced = hooks[i]!.hook(this, inputs, output);
      if (replaced === undefined) continue;
      if (!(replaced instanceof Tensor)) {
        throw new ValueError(
          'forward hook',
          `a forward hook of ${this.toString()} returned ${show(replaced)}; it must return a Tensor (to replace the output) or nothing`,
        );
      }
      output = replaced;
    }
    return output;
  }

  /**
   * Keep the own `forward` in step with the hooks: the dispatcher while there are hooks;
   * otherwise nothing (the class's method shows through), or the own function it shadowed.
   */
  #syncForward(): void {
    const own = Object.getOwnPropertyDescriptor(this, 'forward');
    const dispatching = own !== undefined && own.value === this.#forwardWithHooks;
    if (this.#forwardHooks.length > 0 && !dispatching) {
      this.#shadowedForward = own ?? null;
      Object.defineProperty(this, 'forward', {
        value: this.#forwardWithHooks,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    } else if (this.#forwardHooks.length === 0 && dispatching) {
      if (this.#shadowedForward === null) Reflect.deleteProperty(this, 'forward');
      else Object.defineProperty(this, 'forward', this.#shadowedForward);
      this.#shadowedForward = null;
    }
  }

  /** Every module of the tree (this one first, as ''), each once, with its dotted name. */
  namedModules(): [string, Module][] {
    return walkModules(this).map((e) => [e.name, e.module]);
  }

  /** Every module of the tree, this one first, each once. */
  modules(): Module[] {
    return walkModules(this).map((e) => e.module);
  }

  /** The direct sub-modules with their field names. */
  namedChildren(): [string, Module][] {
    return ownSlots(this)
      .filter((s) => s.value instanceof Module)
      .map((s) => [s.name, s.value as Module]);
  }

  /**
   * Every parameter with its dotted name (`fc1.weight`; a `Sequential`'s layers by index,
   * `0.weight`, as in PyTorch), in module order; a parameter shared by several modules
   * appears once, under its first name.
   */
  namedParameters(): [string, Parameter][] {
    return namedParametersOf(this, false);
  }

  /** Every parameter, each once. */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** The number of learnable values (a shared parameter counts once). */
  numParameters(): number {
    let n = 0;
    for (const p of this.parameters()) n += p.size;
    return n;
  }

  /** Set training mode (`true`) or evaluation mode on this module and all below it. */
  train(mode = true): this {
    checkBoolean('train', 'mode', mode);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: dropout is the identity. Same as `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Forget the accumulated gradients (sets every parameter's `.grad` to null). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /**
   * Convert every parameter (and its gradient) to `dtype` in place, as PyTorch's
   * `module.to(dtype)`: the parameters stay the same objects, so sharing is kept and an
   * optimizer made before the conversion still updates the module.
   */
  to(dtype: DType): this {
    const checked = checkDtype('to', dtype);
    for (const p of this.parameters()) castInPlace(p, checked);
    return this;
  }

  /** A snapshot of every parameter's values by dotted name (copies, not tied to the module). */
  stateDict(): StateDict {
    return noGrad(() => new Map(this.namedParameters().map(([name, p]) => [name, p.clone()])));
  }

  /**
   * Copy values from a state dict into the parameters (converting the dtype if needed).
   * Every name and shape is checked first: on any mismatch a `StateDictError` names each
   * parameter (and both shapes) and the module is left exactly as it was.
   *
   * @example
   * const copy = new MLP([3, 4, 2]);
   * copy.loadStateDict(model.stateDict());
   */
  loadStateDict(sd: StateDictLike, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const op = 'loadStateDict';
    const { strict = true, rename } = optionsOf(op, options, '{ strict: false }');
    checkBoolean(op, 'options.strict', strict);
    if (!(sd instanceof Map) && !(isOptionsObject(sd) && !ArrayBuffer.isView(sd))) {
      const hint =
        typeof sd === 'string' ? "; read a file with loadFile from '@tapegrad/nn/node' first" : '';
      throw new ValueError(
        op,
        `sd must be a state dict (a Map or an object of tensors by name, as stateDict() returns), got ${show(sd)}${hint}`,
      );
    }
    const entries: Map<unknown, unknown> =
      rename !== undefined
        ? renameKeys(sd, checkRename(op, rename), op)
        : sd instanceof Map
          ? new Map(sd)
          : new Map(Object.entries(sd));
    const own = this.namedParameters();
    // a state dict saved before a Sequential named its layers by index (`layers.0.weight`,
    // tapegrad 0.1's names) loads under the names of now
    if (own.some(([name]) => !entries.has(name))) {
      const legacy = new Map(namedParametersOf(this, true).map(([name, p]) => [p, name]));
      for (const [name, p] of own) {
        const old = legacy.get(p)!;
        if (!entries.has(name) && old !== name && entries.has(old)) {
          entries.set(name, entries.get(old));
          entries.delete(old);
        }
      }
    }
    const names = new Set(own.map(([name]) => name));
    const missing: string[] = [];
    const mismatched: ShapeMismatch[] = [];
    const bad: string[] = [];
    for (const [name, p] of own) {
      const v = entries.get(name);
      if (v === undefined) missing.push(name);
      else if (!(v instanceof Tensor))
        bad.push(`'${name}' must be a Tensor of shape ${fmtShape(p.shape)}, got ${show(v)}`);
      else if (!sameShape(v.shape, p.shape))
        mismatched.push({ name, expected: p.shape, got: v.shape });
    }
    const unexpected = [...entries.keys()]
      .filter((name) => !names.has(name as string))
      .map((name) => (typeof name === 'string' ? name : String(name)));
    if (
      mismatched.length > 0 ||
      bad.length > 0 ||
      (strict && missing.length + unexpected.length > 0)
    ) {
      throw new StateDictError(op, {
        missing: strict ? missing : [],
        unexpected: strict ? unexpected : [],
        mismatched,
        ...(bad.length > 0 ? { message: bad.join('; ') } : {}),
      });
    }
    // Every check passed: copying can no longer fail half-way. All values are read before
    // any is written, so a state dict holding the module's own parameters (permuted) loads.
    noGrad(() => {
      const copies: [Parameter, Tensor][] = [];
      for (const [name, p] of own) {
        const v = entries.get(name);
        if (v !== undefined) copies.push([p, (v as Tensor).detach().clone()]);
      }
      for (const [p, value] of copies) p.copy_(value);
    });
    return { missing, unexpected };
  }

  /**
   * A table of the layers: dotted name, type, output shape (when a sample input is given)
   * and parameter count, with the total. The sample pass runs in eval mode without
   * recording; it records the shapes with forward hooks, removed afterwards even if the
   * pass throws, and leaves modes, gradients and activation statistics as they were. Hooks
   * registered by the user run during the sample pass like during any other.
   *
   * @example
   * console.log(new MLP([3, 4, 2]).summary(randn([8, 3])));
   * // Layer   Type            Output shape  Params
   * // (root)  MLP(3 → 4 → 2)  [8,2]              0
   * // 0       Linear(3 → 4)   [8,4]             16
   * // 1       ReLU            [8,4]              0
   * // 2       Linear(4 → 2)   [8,2]             10
   * // Total parameters: 26 (trainable: 26)
   */
  summary(...sampleInputs: Tensor[]): string {
    const entries = walkModules(this);
    const shapes =
      sampleInputs.length > 0
        ? this.#sampleShapes(entries, sampleInputs)
        : new Map<Module, readonly number[]>();
    const seen = new Set<Parameter>();
    const rows = [['Layer', 'Type', 'Output shape', 'Params']];
    for (const { name, module } of entries) {
      let own = 0;
      for (const p of ownParameters(module)) {
        if (seen.has(p)) continue;
        seen.add(p);
        own += p.size;
      }
      const shape = shapes.get(module);
      rows.push([
        name === '' ? '(root)' : name,
        module.toString(),
        shape === undefined ? '—' : fmtShape(shape),
        grouped(own),
      ]);
    }
    const params = this.parameters();
    const total = params.reduce((n, p) => n + p.size, 0);
    const trainable = params.reduce((n, p) => n + (p.requiresGrad ? p.size : 0), 0);
    return [
      ...formatTable(rows, [3]),
      `Total parameters: ${grouped(total)} (trainable: ${grouped(trainable)})`,
    ].join('\n');
  }

  /** The output shape of every module of `entries` on one eval-mode pass over `inputs`. */
  #sampleShapes(entries: ModuleEntry[], inputs: Tensor[]): Map<Module, readonly number[]> {
    const shapes = new Map<Module, readonly number[]>();
    const modes = entries.map((e) => e.module.training);
    // the sample pass must not stand in for the statistics of the last real batch
    const stats = entries.map((e) => statsOf(e.module));
    const handles: RemovableHandle[] = [];
    try {
      for (const { module } of entries) {
        handles.push(
          module.registerForwardHook((m, _, output) => {
            shapes.set(m, output.shape);
          }),
        );
      }
      this.eval();
      noGrad(() => this.forward(...inputs));
    } finally {
      for (const h of handles) h.remove();
      entries.forEach((e, i) => {
        e.module.training = modes[i]!;
        setStats(e.module, stats[i] ?? null);
      });
    }
    return shapes;
  }

  /**
   * The training-health statistics of every activation layer below (and including) this
   * module, from its last forward pass, by dotted name. Activation layers measure their
   * passes with a forward hook, on by default (see `trackHealth`).
   *
   * @example
   * model.forward(x);
   * for (const [name, s] of model.activationStats()) console.log(name, s.dead ?? s.saturated);
   */
  activationStats(): Map<string, ActivationStats> {
    const out = new Map<string, ActivationStats>();
    for (const { name, module } of walkModules(this)) {
      const s = module.ownActivationStats();
      if (s !== null) out.set(name, s);
    }
    return out;
  }

  /** This module's own statistics, as its health hook last recorded them; null if none. */
  ownActivationStats(): ActivationStats | null {
    return statsOf(this);
  }

  /** The hyperparameters shown next to the class name in `summary()`, e.g. `3 → 4`. */
  extraRepr(): string {
    return '';
  }

  /** The class name with `extraRepr()`, e.g. `Linear(3 → 4)`. */
  toString(): string {
    const extra = this.extraRepr();
    return extra === '' ? this.constructor.name : `${this.constructor.name}(${extra})`;
  }
}
