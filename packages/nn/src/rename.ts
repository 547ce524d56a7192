// Renaming a state dict's keys: the documented way across module trees that differ — a
// checkpoint of DistributedDataParallel (`module.0.weight`), a torch model whose fields have
// other names — instead of a rename by hand.
import { type Tensor, ValueError } from '@tapegrad/core';
import { isOptionsObject, show } from './internal/args.js';
import type { StateDict, StateDictLike } from './module.js';

/**
 * How the names of a state dict become others: a table (names it does not list stay as
 * they are), or a function of the name.
 */
export type Rename = Readonly<Record<string, string>> | ((name: string) => string);

/** `rename` if it is a table of strings or a function; a ValueError naming `op` otherwise. */
export function checkRename(op: string, rename: unknown): Rename {
  if (typeof rename === 'function') return rename as (name: string) => string;
  if (isOptionsObject(rename) && Object.values(rename).every((v) => typeof v === 'string')) {
    return rename as Readonly<Record<string, string>>;
  }
  throw new ValueError(
    op,
    `rename must be a table { oldName: newName } or a function (name) => newName, got ${show(rename)}`,
  );
}

/**
 * A copy of the state dict `sd` under new names (the tensors themselves are not copied).
 * Two names that become one are a ValueError naming both.
 *
 * @example
 * // a DistributedDataParallel checkpoint into the plain module
 * model.loadStateDict(renameKeys(sd, (name) => name.replace(/^module\./, '')));
 * // or a table: renameKeys(sd, { 'fc.weight': '0.weight', 'fc.bias': '0.bias' })
 */
export function renameKeys(sd: StateDictLike, rename: Rename, op = 'renameKeys'): StateDict {
  const how = checkRename(op, rename);
  const entries: [string, Tensor][] =
    sd instanceof Map ? [...sd] : Object.entries(sd as Readonly<Record<string, Tensor>>);
  const out: StateDict = new Map();
  const from = new Map<string, string>();
  for (const [name, t] of entries) {
    const to = typeof how === 'function' ? how(name) : Object.hasOwn(how, name) ? how[name]! : name;
    if (typeof to !== 'string' || to === '') {
      throw new ValueError(
        op,
        `rename gave ${show(to)} for '${name}'; names are non-empty strings`,
      );
    }
    const earlier = from.get(to);
    if (earlier !== undefined) {
      throw new ValueError(op, `rename maps both '${earlier}' and '${name}' to '${to}'`);
    }
    from.set(to, name);
    out.set(to, t);
  }
  return out;
}
