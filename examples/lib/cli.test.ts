import { getBackend, setBackend } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import { HelpRequested, OptionError, parseOptions } from './cli.js';

const spec = {
  name: 'spiral',
  description: 'a 2-layer net on the spiral data set',
  defaults: { iterations: 10_000, hidden: 100, lambda: 1e-3, lr: 1 },
  extra: {
    batchSize: { default: 64, description: 'minibatch size', integer: true, min: 'positive' },
  },
  exit: false,
} as const;

/** The OptionError that parsing `argv` throws. */
function problem(argv: string[], s: Parameters<typeof parseOptions>[0] = spec): OptionError {
  try {
    parseOptions(s, argv);
  } catch (e) {
    if (e instanceof OptionError) return e;
    throw e;
  }
  throw new Error(`parsing ${argv.join(' ')} did not fail`);
}

describe('parseOptions', () => {
  it('returns the defaults, with seed 0 and out/<name>', () => {
    expect(parseOptions(spec, [])).toEqual({
      iterations: 10_000,
      seed: 0,
      hidden: 100,
      lambda: 1e-3,
      lr: 1,
      out: 'out/spiral',
      backend: getBackend(),
      batchSize: 64,
    });
  });

  it('--backend sets the kernel backend; an unknown one is refused, naming those there are', () => {
    const before = getBackend();
    try {
      expect(parseOptions(spec, ['--backend', 'js']).backend).toBe('js');
      expect(getBackend()).toBe('js');
      expect(parseOptions(spec, ['--backend=wasm']).backend).toBe('wasm');
      expect(getBackend()).toBe('wasm');
      expect(problem(['--backend', 'cuda']).message).toBe(
        '--backend must be "js" or "wasm", got "cuda"',
      );
    } finally {
      setBackend(before);
    }
  });

  it('parses values in both spellings, with --reg for --lambda', () => {
    const o = parseOptions(spec, [
      '--iterations',
      '200',
      '--seed=7',
      '--hidden',
      '20',
      '--reg',
      '0.5',
      '--lr',
      '1e-2',
      '--out',
      '/tmp/x',
      '--batch-size',
      '32',
    ]);
    expect(o).toEqual({
      iterations: 200,
      seed: 7,
      hidden: 20,
      lambda: 0.5,
      lr: 0.01,
      out: '/tmp/x',
      backend: getBackend(),
      batchSize: 32,
    });
  });

  it('parses comma-separated lists when the default is a list', () => {
    const sweep = {
      name: 'capacity',
      defaults: { hidden: [3, 6, 20], lambda: [0.001] },
      exit: false,
    };
    const o = parseOptions(sweep, ['--hidden', '1,2,4', '--lambda', '0,0.1']);
    expect(o.hidden).toEqual([1, 2, 4]);
    expect(o.lambda).toEqual([0, 0.1]);
    expect(parseOptions(sweep, []).hidden).toEqual([3, 6, 20]);
    expect(problem(['--hidden', '3,x'], sweep).message).toBe(
      '--hidden must be a positive integer or a comma-separated list of them, got "3,x"',
    );
  });

  it.each([
    [['--iterations', 'abc'], '--iterations must be a positive integer, got "abc"'],
    [['--iterations', '0'], '--iterations must be a positive integer, got "0"'],
    [['--iterations', '2.5'], '--iterations must be a positive integer, got "2.5"'],
    [['--seed', '-1'], '--seed must be a non-negative integer, got "-1"'],
    [['--lr', '-0.1'], '--lr must be a positive number, got "-0.1"'],
    [['--lr', ''], '--lr must be a positive number, got ""'],
    [['--reg', 'big'], '--reg must be a non-negative number, got "big"'],
    [['--batch-size', '1.5'], '--batch-size must be a positive integer, got "1.5"'],
  ])('rejects %j with a clear message', (argv, message) => {
    const e = problem(argv);
    expect(e.message).toBe(message);
    expect(e.option).toBe(argv[0]);
    expect(e.value).toBe(argv[1]);
  });

  it('rejects unknown options, missing values, stray arguments and --lambda with --reg', () => {
    expect(problem(['--hiden', '3']).message).toMatch(/unknown option '--hiden'/);
    expect(problem(['--hiden', '3']).option).toBe('--hiden');
    expect(problem(['--lr']).message).toMatch(/'--lr <n>' argument missing/);
    expect(problem(['extra']).message).toMatch(/too many arguments/);
    expect(problem(['--lambda', '1', '--reg', '2']).message).toMatch(/same option/);
  });

  it('declares only the options a script names', () => {
    const minimal = { name: 'neuron', defaults: { iterations: 100 }, exit: false };
    expect(parseOptions(minimal, [])).toEqual({
      iterations: 100,
      seed: 0,
      out: 'out/neuron',
      backend: getBackend(),
    });
    expect(problem(['--hidden', '3'], minimal).message).toMatch(/unknown option '--hidden'/);
  });

  it('lists every option with its default on --help', () => {
    let help = '';
    try {
      parseOptions(spec, ['--help']);
    } catch (e) {
      if (!(e instanceof HelpRequested)) throw e;
      help = e.help;
    }
    expect(help).toContain('Usage: spiral [options]');
    expect(help).toContain('a 2-layer net on the spiral data set');
    for (const line of [
      /--iterations <n> +training iterations \(default: 10000\)/,
      /--seed <n> +random seed \(default: 0\)/,
      /--hidden <n> +hidden units \(default: 100\)/,
      /--lambda <n> +L2 regularization strength, also --reg \(default: 0.001\)/,
      /--lr <n> +learning rate \(default: 1\)/,
      /--out <path> +folder for pictures and results \(default: out\/spiral\)/,
      /--batch-size <n> +minibatch size \(default: 64\)/,
    ]) {
      expect(help).toMatch(line);
    }
    expect(help).not.toMatch(/--reg </);
  });
});
