// fast-check's configuration for the whole suite (vitest `setupFiles`), read from the
// environment here and nowhere else:
//
//   TAPEGRAD_FC_SEED=<integer>  every property runs from this seed: replays a failure
//   TAPEGRAD_FC_SCALE=<number>  every property runs this many times its usual number of
//                               cases (stress runs, e.g. 10; fractions shorten a run)
//
// Without them each property draws its own random seed, as in CI. A failing property's
// error keeps fast-check's report (seed, path, shrunk counterexample) and ends with the
// command that replays it.
import fc from 'fast-check';
import { expect, vi } from 'vitest';

/** fast-check's own default number of cases per property. */
const DEFAULT_RUNS = 100;

function envNumber(name: string, valid: (v: number) => boolean, expected: string): number | null {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === '') return null;
  const v = Number(raw);
  if (!valid(v)) throw new Error(`${name} must be ${expected}, got '${raw}'`);
  return v;
}

const seed = envNumber(
  'TAPEGRAD_FC_SEED',
  (v) => Number.isSafeInteger(v),
  'an integer (the seed a failing run printed)',
);
const scale =
  envNumber('TAPEGRAD_FC_SCALE', (v) => Number.isFinite(v) && v > 0, 'a positive number') ?? 1;

// Properties without their own numRuns run 100·scale cases; those with one state it through
// scaledRuns (@tapegrad/core/testing), which scales it by this global numRuns / 100.
fc.configureGlobal({
  ...fc.readConfigureGlobal(),
  numRuns: Math.max(1, Math.round(DEFAULT_RUNS * scale)),
  ...(seed === null ? {} : { seed }),
});
// a test's time grows with its number of cases
if (scale > 1) vi.setConfig({ testTimeout: Math.ceil(60_000 * scale) });

/** `s` as one single-quoted shell word. */
const shellQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/** The command that replays the current test with a given fast-check seed. */
function replayCommand(failingSeed: number): string {
  const { testPath, currentTestName } = expect.getState();
  const env = [`TAPEGRAD_FC_SEED=${failingSeed}`];
  if (scale !== 1) env.push(`TAPEGRAD_FC_SCALE=${scale}`);
  const file = testPath === undefined ? '' : ` ${shellQuote(relativePath(testPath))}`;
  // vitest's -t matches a regular expression against the describe and test names joined by spaces
  const name =
    currentTestName === undefined
      ? ''
      : ` -t ${shellQuote(
          currentTestName
            .split(' > ')
            .join(' ')
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
        )}`;
  return `${env.join(' ')} pnpm test${file}${name}`;
}

function relativePath(path: string): string {
  const root = `${process.cwd()}/`;
  return path.startsWith(root) ? path.slice(root.length) : path;
}

// fast-check's report with the replay command appended. Throwing from onAllRunsComplete
// replaces fc.assert's default report, so the error is built as fast-check builds its own:
// the property's error is in the message (includeErrorInReport) or is the cause.
const replayHint: fc.UniversalPlugin = () => ({
  onAllRunsComplete(details) {
    if (!details.failed) return;
    const message = `${fc.defaultReportMessage(details)}\n\nReplay it: ${replayCommand(details.seed)}`;
    const cause = details.counterexamplePath === null ? undefined : details.errorInstance;
    throw details.runConfiguration.includeErrorInReport || cause === undefined
      ? new Error(message)
      : new Error(message, { cause });
  },
});

// once per instance of fast-check, also when test files share their modules (--no-isolate).
// It throws for fc.check too, which the suite does not use (fc.check reports without throwing).
const key = Symbol.for('tapegrad.test.fastCheckReplayHint');
const registry = globalThis as { [key]?: WeakSet<object> };
const instances = (registry[key] ??= new WeakSet());
if (!instances.has(fc.installGlobalPlugin)) {
  fc.installGlobalPlugin(replayHint);
  instances.add(fc.installGlobalPlugin);
}
