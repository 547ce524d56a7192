// Optimizer: what every optimizer shares — parameter groups with their own options,
// per-parameter state, zeroGrad, step (closure, then the update inside noGrad) and the
// state dict that saves and resumes training.
import {
  enableGrad,
  type FloatArray,
  noGrad,
  ShapeError,
  Tensor,
  tensor,
  ValueError,
  zerosLike,
} from '@tapegrad/core';
import { fmtShape } from '@tapegrad/core/op-kit';
import {
  checkBoolean,
  checkKnownKeys,
  checkNonNegative,
  checkOptions,
  show,
} from './internal/check.js';
import { checkGrad, checkParam, checkStateShape } from './internal/dense.js';

/** A value an option can take: plain JSON-able data. */
export type Hyperparam = number | boolean | readonly number[];

/** The options every optimizer has. */
export interface BaseHyperparams {
  /** The learning rate; schedulers change it between steps. */
  lr: number;
}

/**
 * A parameter group as the optimizer holds it: its parameters and every option resolved.
 * Options may be changed between steps (a scheduler sets `lr`).
 */
export type ParamGroup<H> = H & {
  /** The group's parameters, in the order given. */
  readonly params: readonly Tensor[];
  /** The lr before any scheduler changed it; the first scheduler attached sets it. */
  initialLr?: number;
};

/** A parameter group as given: its parameters and the options that differ from the defaults. */
export type ParamGroupInit<H> = { readonly params: Iterable<Tensor> } & {
  readonly [K in keyof H]?: H[K];
};

/** What an optimizer takes: parameters (one group) or a list of parameter groups. */
export type Params<H> = Iterable<Tensor> | Iterable<ParamGroupInit<H>>;

/** A group in a state dict: options, and its parameters as indices into `state`. */
export interface SavedParamGroup {
  params: number[];
  [option: string]: Hyperparam;
}

/**
 * An optimizer's state: per-parameter state keyed by the parameter's index (counting
 * through the groups in order) and each group's options. Plain JSON-able data plus typed
 * arrays, all copies: training on does not change a saved state dict.
 */
export interface OptimizerStateDict {
  state: Record<number, Record<string, number | FloatArray>>;
  paramGroups: SavedParamGroup[];
}

/** Options of `zeroGrad`. */
export interface ZeroGradOptions {
  /** Set `.grad` to null (default) instead of filling it with zeros. */
  readonly setToNone?: boolean;
}

const NO_OPTIONS: ZeroGradOptions = Object.freeze({});

/**
 * The base of every optimizer: holds the parameter groups and the per-parameter state.
 * Subclasses check their options and write the update; `step()` runs it without recording.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1 });
 * opt.zeroGrad();
 * loss.backward();
 * opt.step();
 */
export abstract class Optimizer<H extends BaseHyperparams, S extends object> {
  /** The groups of parameters, each with its options (mutable: `group.lr = …`). */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** The options given to the constructor, with their defaults filled in. */
  readonly defaults: Readonly<H>;
  /** Per-parameter state (momentum buffers, moment estimates), made on a parameter's first update. */
  protected readonly state = new Map<Tensor, S>();
  /** The optimizer's name in error messages. */
  protected readonly op: string;
  /** `step`'s name in error messages ('SGD.step'), made once: a step allocates nothing. */
  private readonly stepOp: string;
  /** Where each parameter was given, for the duplicate-parameter error. */
  private readonly seen = new Map<Tensor, string>();
  private readonly runUpdate = (): void => {
    this.prepare();
    this.update();
  };

  /**
   * @param op - the name used in error messages ('SGD')
   * @param options - the options the user gave
   * @param fallback - the default of every option; `undefined` for a required one
   */
  protected constructor(
    op: string,
    params: Params<H>,
    options: object,
    fallback: { readonly [K in keyof H]: H[K] | undefined },
  ) {
    this.op = op;
    this.stepOp = `${op}.step`;
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new ValueError(
        op,
        `options must be an object such as { lr: 0.1 }, got ${show(options)}`,
      );
    }
    this.defaults = this.resolve('', options, fallback, false);
    const list = toList(op, params);
    if (list.length === 0) {
      throw new ValueError(op, 'got an empty parameter list; give at least one parameter');
    }
    if (list[0] instanceof Tensor) {
      this.addGroup({ params: list as Tensor[] } as unknown as ParamGroupInit<H>, 'params', true);
      return;
    }
    list.forEach((group, i) => {
      if (group === null || typeof group !== 'object' || !('params' in group)) {
        throw new ValueError(
          op,
          `params[${i}] is ${show(group)}: expected a Tensor or a parameter group { params, …options }`,
        );
      }
      this.addParamGroup(group as ParamGroupInit<H>);
    });
  }

  /**
   * Check resolved options, throwing a ValueError from `op`; `where` prefixes option names
   * in messages ('paramGroups[1].').
   */
  protected abstract checkOptions(options: H, where: string, op: string): void;

  /**
   * Update every parameter that has a gradient; runs inside `noGrad`, after every `.grad`
   * was checked (a contiguous Tensor of its parameter's shape) and every state buffer made
   * to match its parameter's dtype.
   */
  protected abstract update(): void;

  /**
   * Rebuild one parameter's state from a state dict entry, in new buffers of the
   * parameter's dtype; throw naming `where` if the entry doesn't fit the parameter.
   */
  protected abstract restoreState(
    saved: Readonly<Record<string, unknown>>,
    param: Tensor,
    group: H,
    where: string,
  ): S;

  /**
   * Add a group of parameters with its own options (the rest from `defaults`).
   *
   * @example
   * opt.addParamGroup({ params: head.parameters(), lr: 0.01 });
   */
  addParamGroup(group: ParamGroupInit<H>): void {
    this.addGroup(group, `paramGroups[${this.paramGroups.length}].params`, false);
  }

  /**
   * Run `closure` (with recording on) if given, then update the parameters once. A
   * parameter whose `.grad` is null is skipped. Returns what `closure` returned.
   *
   * @example
   * opt.step();
   * const loss = opt.step(() => { opt.zeroGrad(); const l = lossFn(); l.backward(); return l; });
   */
  step(): undefined;
  step<T>(closure: () => T): T;
  step<T>(closure?: () => T): T | undefined {
    if (closure !== undefined && typeof closure !== 'function') {
      throw new ValueError(
        this.stepOp,
        `closure must be a function (returning the loss), or left out, got ${show(closure)}`,
      );
    }
    const result = closure === undefined ? undefined : enableGrad(closure);
    noGrad(this.runUpdate);
    return result;
  }

  /**
   * Before any parameter changes: check every gradient (a contiguous Tensor of its
   * parameter's shape) and every state buffer's shape, then bring each state buffer to its
   * parameter's dtype. A parameter converted after the optimizer was made (`module.to`) takes
   * its state with it, as `loadStateDict` casts state to the parameter's dtype. An error
   * names the parameter and leaves every parameter and buffer as it was.
   */
  private prepare(): void {
    const op = this.stepOp;
    const groups = this.paramGroups;
    let stale = false;
    for (let gi = 0; gi < groups.length; gi++) {
      const params = groups[gi]!.params;
      for (let pi = 0; pi < params.length; pi++) {
        const p = params[pi]!;
        if (p.grad !== null) checkGrad(op, p, p.grad, gi, pi);
        const s = this.state.get(p) as Record<string, unknown> | undefined;
        if (s === undefined) continue;
        for (const key in s) {
          const buf = s[key];
          if (!(buf instanceof Tensor)) continue;
          checkStateShape(op, p, key, buf, gi, pi);
          if (buf.dtype !== p.dtype) stale = true;
        }
      }
    }
    if (!stale) return;
    for (const [p, state] of this.state) {
      const s = state as Record<string, unknown>;
      for (const key in s) {
        const buf = s[key];
        // a new buffer (cast copies), outside any graph, in the parameter's dtype
        if (buf instanceof Tensor && buf.dtype !== p.dtype) s[key] = buf.detach().to(p.dtype);
      }
    }
  }

  /**
   * Clear the gradients of every parameter: set them to null (the default, as in PyTorch),
   * or with `{ setToNone: false }` fill them with zeros in place.
   *
   * @example
   * opt.zeroGrad();                       // p.grad === null
   * opt.zeroGrad({ setToNone: false });   // p.grad is all zeros
   */
  zeroGrad(options: ZeroGradOptions = NO_OPTIONS): void {
    const setToNone = options === NO_OPTIONS ? true : this.setToNoneOf(options);
    const groups = this.paramGroups;
    for (let gi = 0; gi < groups.length; gi++) {
      const params = groups[gi]!.params;
      for (let pi = 0; pi < params.length; pi++) {
        const p = params[pi]!;
        const g = p.grad;
        if (g === null) continue;
        if (setToNone) {
          p.grad = null;
          continue;
        }
        // A gradient that is part of a graph (createGraph) or a strided view is replaced,
        // never written through, so that no tensor of a graph changes under it.
        if (g.gradFn !== null || g.requiresGrad || !g.isContiguous()) {
          p.grad = zerosLike(p);
          continue;
        }
        g.zero_();
      }
    }
  }

  /** `options.setToNone` of `zeroGrad`, checked (true when left out). */
  private setToNoneOf(options: ZeroGradOptions): boolean {
    const op = `${this.op}.zeroGrad`;
    const o = checkOptions(op, options, '{ setToNone: false }');
    return checkBoolean(op, 'setToNone', o.setToNone ?? true);
  }

  /**
   * The optimizer's state, to save and resume training with identical results.
   *
   * @example
   * const saved = opt.stateDict();
   * // … later, on a new optimizer over parameters restored to the same values:
   * opt2.loadStateDict(saved);
   */
  stateDict(): OptimizerStateDict {
    const state: Record<number, Record<string, number | FloatArray>> = {};
    const paramGroups: SavedParamGroup[] = [];
    let index = 0;
    for (const group of this.paramGroups) {
      const params: number[] = [];
      for (const p of group.params) {
        const s = this.state.get(p);
        if (s !== undefined) {
          const copy: Record<string, number | FloatArray> = {};
          for (const [key, value] of Object.entries(s)) {
            copy[key] = value instanceof Tensor ? value.toTypedArray() : (value as number);
          }
          state[index] = copy;
        }
        params.push(index++);
      }
      const saved = { ...this.optionsOf(group), params } as unknown as SavedParamGroup;
      if (group.initialLr !== undefined) saved.initialLr = group.initialLr;
      paramGroups.push(saved);
    }
    return { state, paramGroups };
  }

  /**
   * Restore a state from `stateDict()`: group options, `initialLr` and per-parameter
   * state (copied, and cast to each parameter's dtype). The groups must hold as many
   * parameters as when saved. On an error nothing is changed.
   *
   * @example
   * const json = JSON.stringify(opt.stateDict()); // typed arrays become {"0": …} objects
   * opt.loadStateDict(JSON.parse(json));           // which load back as buffers
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const op = `${this.op}.loadStateDict`;
    const sd = stateDict as unknown as Record<string, unknown>;
    if (sd === null || typeof sd !== 'object' || !Array.isArray(sd.paramGroups)) {
      throw new ValueError(op, `expected { state, paramGroups } from stateDict(), got ${show(sd)}`);
    }
    const savedGroups = sd.paramGroups as unknown[];
    const savedState = (sd.state ?? {}) as Record<string, unknown>;
    if (savedGroups.length !== this.paramGroups.length) {
      throw new ValueError(
        op,
        `the state dict has ${savedGroups.length} parameter groups but this optimizer has ${this.paramGroups.length}`,
      );
    }
    // Resolve everything first, then commit: a failed load leaves the optimizer as it was.
    const byIndex = new Map<number, { param: Tensor; group: number }>();
    const options: H[] = [];
    const initialLrs: (number | undefined)[] = [];
    savedGroups.forEach((raw, gi) => {
      const where = `paramGroups[${gi}]`;
      if (
        raw === null ||
        typeof raw !== 'object' ||
        !Array.isArray((raw as SavedParamGroup).params)
      ) {
        throw new ValueError(op, `${where} must be an object with a params list, got ${show(raw)}`);
      }
      const { params: ids, initialLr, ...rest } = raw as SavedParamGroup;
      const group = this.paramGroups[gi]!;
      if (ids.length !== group.params.length) {
        throw new ValueError(
          op,
          `${where} holds ${ids.length} parameters in the state dict but ${group.params.length} in this optimizer`,
        );
      }
      ids.forEach((id, j) => {
        if (!Number.isInteger(id) || byIndex.has(id)) {
          throw new ValueError(
            op,
            `${where}.params[${j}] is ${show(id)}; expected a distinct index`,
          );
        }
        byIndex.set(id, { param: group.params[j]!, group: gi });
      });
      options.push(this.resolve(`${where}.`, rest, this.optionsOf(group), true, op));
      initialLrs.push(
        initialLr === undefined ? undefined : checkNonNegative(op, `${where}.initialLr`, initialLr),
      );
    });
    const state = new Map<Tensor, S>();
    for (const [key, entry] of Object.entries(savedState)) {
      const where = `state[${key}]`;
      const target = byIndex.get(Number(key));
      if (target === undefined) {
        throw new ValueError(op, `${where} belongs to no parameter of the saved groups`);
      }
      if (entry === null || typeof entry !== 'object') {
        throw new ValueError(op, `${where} must be an object, got ${show(entry)}`);
      }
      const s = this.restoreState(
        entry as Record<string, unknown>,
        target.param,
        options[target.group]!,
        where,
      );
      state.set(target.param, s);
    }
    this.paramGroups.forEach((group, gi) => {
      Object.assign(group, options[gi]);
      const initialLr = initialLrs[gi];
      if (initialLr === undefined) delete group.initialLr;
      else group.initialLr = initialLr;
    });
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
  }

  /** A buffer for `param`'s state: zeros of its dtype and shape, outside any graph. */
  protected newBuffer(param: Tensor): Tensor {
    return zerosLike(param);
  }

  /**
   * The buffer `saved[key]` copied into a new tensor of `param`'s dtype and shape (typed
   * arrays, plain number lists, or the `{"0": …, "1": …}` object a plain `JSON.stringify`
   * makes of a typed array are accepted); an error naming `where` and the sizes otherwise.
   */
  protected loadBuffer(
    saved: Readonly<Record<string, unknown>>,
    key: string,
    param: Tensor,
    where: string,
  ): Tensor {
    const op = `${this.op}.loadStateDict`;
    const value = saved[key];
    const values =
      ArrayBuffer.isView(value) || Array.isArray(value)
        ? (value as unknown as ArrayLike<unknown>)
        : numberedValues(value);
    if (values === null) {
      throw new ValueError(op, `${where}.${key} must be a typed array, got ${show(value)}`);
    }
    if (values.length !== param.size) {
      throw new ShapeError(
        op,
        `${where}.${key} has ${values.length} values but its parameter has shape ${fmtShape(param.shape)} (${param.size} values)`,
        [[values.length], param.shape],
      );
    }
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number') {
        throw new ValueError(op, `${where}.${key}[${i}] is ${show(v)}, not a number`);
      }
    }
    return tensor(values as ArrayLike<number>, { shape: param.shape, dtype: param.dtype });
  }

  /** The option values of `group` (arrays copied), without its parameters. */
  private optionsOf(group: H): H {
    const out: Record<string, Hyperparam> = {};
    for (const key of Object.keys(this.defaults)) {
      const v = (group as unknown as Record<string, Hyperparam>)[key]!;
      out[key] = Array.isArray(v) ? v.slice() : v;
    }
    return out as unknown as H;
  }

  /**
   * Options from `given` (which may name only known options), the rest from `base`;
   * checked by the subclass. `where` prefixes option names in messages.
   */
  private resolve(
    where: string,
    given: object,
    base: object,
    isGroup: boolean,
    op: string = this.op,
  ): H {
    const known = Object.keys(base);
    const g = given as Record<string, unknown>;
    const b = base as Record<string, unknown>;
    checkKnownKeys(
      op,
      where === '' ? 'the options object' : where.slice(0, -1),
      given,
      isGroup ? [...known, 'params'] : known,
    );
    const out: Record<string, unknown> = {};
    for (const key of known) {
      const v = g[key] !== undefined ? g[key] : b[key];
      if (v === undefined) {
        throw new ValueError(op, `${where}${key} is required (e.g. { ${key}: 0.1 })`);
      }
      out[key] = Array.isArray(v) ? v.slice() : v;
    }
    this.checkOptions(out as H, where, op);
    return out as H;
  }

  private addGroup(group: ParamGroupInit<H>, where: string, flat: boolean): void {
    const op = this.op;
    const groupWhere = where.slice(0, -'.params'.length);
    if (group === null || typeof group !== 'object' || group instanceof Tensor) {
      throw new ValueError(
        op,
        `${groupWhere} must be a parameter group { params, …options }, got ${show(group)}`,
      );
    }
    if (group.params instanceof Tensor) {
      throw new ValueError(
        op,
        `${where} must be a list of tensors, got a single Tensor; wrap it: [p]`,
      );
    }
    const params = toList(op, group.params, where, 'a list of tensors');
    const { params: _, ...rest } = group;
    const options = flat
      ? this.optionsOf(this.defaults)
      : this.resolve(`${groupWhere}.`, rest, this.defaults, true);
    const added = new Map<Tensor, string>();
    params.forEach((p, j) => {
      const at = `${where}[${j}]`;
      if (!(p instanceof Tensor)) {
        throw new ValueError(op, `${at} is ${show(p)}, not a Tensor`);
      }
      // a frozen parameter (requiresGrad false) is accepted and skipped: its grad stays null
      if (!p.isLeaf) {
        throw new ValueError(
          op,
          `${at} (shape ${fmtShape(p.shape)}) is the output of an op, not a leaf; optimize a leaf (x.detach().requiresGrad_())`,
        );
      }
      const first = this.seen.get(p) ?? added.get(p);
      if (first !== undefined) {
        throw new ValueError(
          op,
          `a parameter is given twice: ${at} is the same tensor as ${first}`,
        );
      }
      checkParam(op, p, at);
      added.set(p, at);
    });
    for (const [p, at] of added) this.seen.set(p, at);
    const resolved = Object.assign(options, { params: params as Tensor[] }) as ParamGroup<H>;
    this.paramGroups.push(resolved);
  }
}

/**
 * The values of an object keyed "0" … "n-1" (what `JSON.stringify` writes for a typed
 * array), in index order; null for anything else.
 */
function numberedValues(value: unknown): unknown[] | null {
  if (
    value === null ||
    typeof value !== 'object' ||
    Object.getPrototypeOf(value) !== Object.prototype
  )
    return null;
  const record = value as Record<string, unknown>;
  const n = Object.keys(record).length;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    if (!Object.hasOwn(record, String(i))) return null;
    out[i] = record[String(i)];
  }
  return out;
}

/** An iterable as an array; a ValueError naming `where` (and what it must hold) if it isn't one. */
function toList(
  op: string,
  items: unknown,
  where = 'params',
  expected = 'a list of tensors or of parameter groups',
): unknown[] {
  if (items instanceof Tensor) {
    throw new ValueError(op, `${where} must be ${expected}, got a single Tensor; wrap it: [p]`);
  }
  if (
    items === null ||
    typeof items !== 'object' ||
    typeof (items as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function'
  ) {
    throw new ValueError(op, `${where} must be ${expected}, got ${show(items)}`);
  }
  return Array.from(items as Iterable<unknown>);
}
