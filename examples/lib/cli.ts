// Command-line options shared by the example scripts (--iterations, --seed, --out,
// --hidden, --lambda/--reg, --lr, plus a script's own), parsed with commander and
// checked with messages that name the option, the rule and the value given.
import { basename, extname, join } from 'node:path';
import { getBackend, listBackends, setBackend } from '@tapegrad/core';
import { Command, CommanderError, Option } from 'commander';

/**
 * What a numeric option accepts.
 *
 * @example
 * const rule: NumberRule = { integer: true, min: 'positive' };
 */
export interface NumberRule {
  /** Whole numbers only. */
  integer?: boolean;
  /** 'positive' (> 0) or 'nonNegative' (>= 0); any finite number when omitted. */
  min?: 'positive' | 'nonNegative';
}

/**
 * A script's own option: its default decides the type (number, list of numbers, string).
 *
 * @example
 * const batchSize: ExtraOption = { default: 64, description: 'minibatch size', integer: true, min: 'positive' };
 */
export interface ExtraOption extends NumberRule {
  default: number | readonly number[] | string;
  description: string;
}

/**
 * Defaults of the common options a script uses; options left out are not declared.
 *
 * @example
 * const defaults: CommonDefaults = { iterations: 10_000, hidden: [3, 6, 20], lambda: 1e-3, lr: 1 };
 */
export interface CommonDefaults {
  /** Training iterations (or epochs): a positive integer. */
  iterations?: number;
  /** Random seed: a non-negative integer; 0 when left out (--seed is always there). */
  seed?: number;
  /** Hidden units: a positive integer, or a list of them to sweep (`--hidden 3,6,20`). */
  hidden?: number | readonly number[];
  /** L2 regularization strength, also `--reg`: a number >= 0, or a list to sweep. */
  lambda?: number | readonly number[];
  /** Learning rate: a positive number. */
  lr?: number;
}

/**
 * What {@link parseOptions} needs to know about a script.
 *
 * @example
 * parseOptions({ name: 'mnist', defaults: { iterations: 10 }, extra: { batchSize } });
 */
export interface OptionsSpec<D extends CommonDefaults, E extends Record<string, ExtraOption>> {
  /** The script's name, for `--help` and the default `--out`; from argv[1] by default. */
  name?: string;
  /** One line on what the script shows, printed by `--help`. */
  description?: string;
  /** The common options the script takes, with their defaults. */
  defaults: D;
  /** The script's own options, named in camelCase (`batchSize` is `--batch-size`). */
  extra?: E;
  /**
   * true (the default, for scripts): on `--help` print the help and exit 0; on a bad
   * option print the message and exit 2. false (for tests): throw {@link HelpRequested}
   * or {@link OptionError} instead.
   */
  exit?: boolean;
}

type ValueOf<T> = T extends readonly number[] ? number[] : T extends number ? number : string;

/**
 * The parsed options: the declared ones with the types of their defaults, plus seed, out and
 * backend (already set with `setBackend`).
 *
 * @example
 * const opts: ScriptOptions<{ lr: number }, Record<never, ExtraOption>> = parseOptions({ defaults: { lr: 0.1 } });
 */
export type ScriptOptions<D extends CommonDefaults, E extends Record<string, ExtraOption>> = {
  -readonly [K in keyof D]-?: ValueOf<D[K]>;
} & { -readonly [K in keyof E]: ValueOf<E[K]['default']> } & {
  seed: number;
  out: string;
  backend: string;
};

/**
 * A command-line option with a bad value, an unknown option or a missing value.
 *
 * @example
 * try {
 *   parseOptions({ name: 'spiral', defaults: { iterations: 100 }, exit: false }, ['--iterations', 'x']);
 * } catch (e) {
 *   if (e instanceof OptionError) console.log(e.option, e.value); // '--iterations' 'x'
 * }
 */
export class OptionError extends Error {
  override readonly name = 'OptionError';
  constructor(
    message: string,
    /** The option as written on the command line, e.g. `--iterations`. */
    readonly option: string,
    /** The value given, when the problem is the value. */
    readonly value?: string,
  ) {
    super(message);
  }
}

/**
 * Thrown instead of printing the help when `exit` is false.
 *
 * @example
 * try {
 *   parseOptions({ name: 'spiral', defaults: {}, exit: false }, ['--help']);
 * } catch (e) {
 *   if (e instanceof HelpRequested) console.log(e.help);
 * }
 */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
  constructor(readonly help: string) {
    super('help requested');
  }
}

const COMMON: Record<keyof CommonDefaults, NumberRule & { description: string }> = {
  iterations: { description: 'training iterations', integer: true, min: 'positive' },
  seed: { description: 'random seed', integer: true, min: 'nonNegative' },
  hidden: { description: 'hidden units', integer: true, min: 'positive' },
  lambda: { description: 'L2 regularization strength, also --reg', min: 'nonNegative' },
  lr: { description: 'learning rate', min: 'positive' },
};

function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function ruleText(rule: NumberRule): string {
  const sign =
    rule.min === 'positive' ? 'positive ' : rule.min === 'nonNegative' ? 'non-negative ' : '';
  return `a ${sign}${rule.integer ? 'integer' : 'number'}`;
}

/** Parses one number under `rule`, or returns null. Number('') is 0, so blanks are refused. */
function parseNumber(text: string, rule: NumberRule): number | null {
  if (text.trim() === '') return null;
  const v = Number(text);
  if (!Number.isFinite(v)) return null;
  if (rule.integer && !Number.isInteger(v)) return null;
  if (rule.min === 'positive' && !(v > 0)) return null;
  if (rule.min === 'nonNegative' && !(v >= 0)) return null;
  return v;
}

/** Converts the text of option `flag` to the type of its default, or throws OptionError. */
function convert(
  flag: string,
  text: string,
  fallback: number | readonly number[] | string,
  rule: NumberRule,
): number | number[] | string {
  if (typeof fallback === 'string') return text;
  if (typeof fallback === 'number') {
    const v = parseNumber(text, rule);
    if (v === null) {
      throw new OptionError(`${flag} must be ${ruleText(rule)}, got "${text}"`, flag, text);
    }
    return v;
  }
  const items = text.split(',').map((t) => parseNumber(t, rule));
  if (items.some((v) => v === null)) {
    throw new OptionError(
      `${flag} must be ${ruleText(rule)} or a comma-separated list of them, got "${text}"`,
      flag,
      text,
    );
  }
  return items as number[];
}

function describeDefault(v: number | readonly number[] | string): string {
  return typeof v === 'object' ? v.join(',') : String(v);
}

/** The declared options: flag, attribute name in commander, default and rule. */
function declarations(
  spec: OptionsSpec<CommonDefaults, Record<string, ExtraOption>>,
  name: string,
) {
  const list: {
    key: string;
    flag: string;
    fallback: number | readonly number[] | string;
    rule: NumberRule;
    description: string;
  }[] = [];
  for (const key of Object.keys(COMMON) as (keyof CommonDefaults)[]) {
    const fallback = key === 'seed' ? (spec.defaults.seed ?? 0) : spec.defaults[key];
    if (fallback === undefined) continue;
    const sweep = typeof fallback === 'object' ? ' (a comma-separated list sweeps several)' : '';
    const description = COMMON[key].description + sweep;
    list.push({ key, flag: flagOf(key), fallback, rule: COMMON[key], description });
  }
  list.push({
    key: 'out',
    flag: '--out',
    fallback: join('out', name),
    rule: {},
    description: 'folder for pictures and results',
  });
  list.push({
    key: 'backend',
    flag: '--backend',
    fallback: getBackend(),
    rule: {},
    description: `the kernels to compute with: ${listBackends().join(' or ')}`,
  });
  for (const [key, option] of Object.entries(spec.extra ?? {})) {
    const sweep = typeof option.default === 'object' ? ' (comma-separated list)' : '';
    const description = option.description + sweep;
    list.push({ key, flag: flagOf(key), fallback: option.default, rule: option, description });
  }
  return list;
}

function buildCommand(
  spec: OptionsSpec<CommonDefaults, Record<string, ExtraOption>>,
  name: string,
): Command {
  const command = new Command(name)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} })
    .allowExcessArguments(false);
  if (spec.description !== undefined) command.description(spec.description);
  for (const d of declarations(spec, name)) {
    const placeholder =
      d.key === 'backend' ? '<name>' : typeof d.fallback === 'string' ? '<path>' : '<n>';
    command.addOption(
      new Option(`${d.flag} ${placeholder}`, d.description).default(
        typeof d.fallback === 'object' ? d.fallback.join(',') : d.fallback,
        describeDefault(d.fallback),
      ),
    );
  }
  if (spec.defaults.lambda !== undefined) command.addOption(new Option('--reg <n>').hideHelp());
  return command;
}

/**
 * Declares a script's options and parses `argv` (the process's arguments by default):
 * the common ones named in `defaults` (plus `--seed`, default 0, `--out`, default
 * `out/<name>`, and `--backend`, which it sets: 'wasm' where it runs, else 'js'), and the
 * script's own in `extra`. Values get the type of their default
 * and are checked; `--reg` is another name for `--lambda`. `--help` lists everything
 * with defaults.
 *
 * @example
 * const opts = parseOptions({
 *   name: 'spiral',
 *   description: 'a 2-layer net on the spiral data set',
 *   defaults: { iterations: 10_000, hidden: 100, lambda: 1e-3, lr: 1 },
 * });
 * opts.hidden; // number; `--hidden 3,6,20` needs `hidden: [100]` as the default
 * opts.out; // 'out/spiral' unless --out is given
 */
export function parseOptions<
  D extends CommonDefaults,
  E extends Record<string, ExtraOption> = Record<never, ExtraOption>,
>(spec: OptionsSpec<D, E>, argv: readonly string[] = process.argv.slice(2)): ScriptOptions<D, E> {
  const name = spec.name ?? scriptName();
  const command = buildCommand(spec, name);
  try {
    command.parse([...argv], { from: 'user' });
    const raw = command.opts<Record<string, string | number | undefined>>();
    const values: Record<string, number | number[] | string> = {};
    for (const d of declarations(spec, name)) {
      let flag = d.flag;
      let text = raw[d.key];
      if (d.key === 'lambda' && raw.reg !== undefined) {
        if (command.getOptionValueSource('lambda') === 'cli') {
          throw new OptionError(
            '--lambda and --reg are the same option: give one',
            '--reg',
            String(raw.reg),
          );
        }
        [flag, text] = ['--reg', raw.reg];
      }
      values[d.key] = convert(flag, String(text), d.fallback, d.rule);
    }
    const backend = String(values.backend);
    if (!listBackends().includes(backend)) {
      throw new OptionError(
        `--backend must be ${listBackends()
          .map((b) => `"${b}"`)
          .join(' or ')}, got "${backend}"`,
        '--backend',
        backend,
      );
    }
    setBackend(backend);
    return values as ScriptOptions<D, E>;
  } catch (err) {
    const problem = toProblem(err, command);
    if (spec.exit === false) throw problem;
    if (problem instanceof HelpRequested) {
      process.stdout.write(problem.help);
      process.exit(0);
    }
    process.stderr.write(`${name}: ${problem.message}\n(run with --help to see the options)\n`);
    process.exit(2);
  }
}

/** Maps commander's errors (help, unknown option, missing value) onto ours. */
function toProblem(err: unknown, command: Command): OptionError | HelpRequested {
  if (err instanceof OptionError) return err;
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') {
      return new HelpRequested(command.helpInformation());
    }
    const option = /'([^']+)'/.exec(err.message)?.[1] ?? '';
    return new OptionError(err.message.replace(/^error: /, ''), option.split(' ')[0] ?? option);
  }
  throw err;
}

/** The running script's file name without its extension, e.g. 'spiral'. */
function scriptName(): string {
  const file = process.argv[1];
  return file === undefined ? 'script' : basename(file, extname(file));
}
