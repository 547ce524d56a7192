// Tests that need a process of their own (module load order, worker threads, the allocator's
// state): an ES module run by Node under tsx, reading the package's sources.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

/** A module of core's src/ (e.g. 'index.ts') as a string literal of its URL, for `import()`. */
export const srcUrl = (path: string): string =>
  JSON.stringify(pathToFileURL(resolve(import.meta.dirname, '../src', path)).href);

/** Runs `program` (an ES module's source) in a fresh Node process; the JSON it printed. */
export async function inFreshProcess(program: string): Promise<unknown> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=tapegrad-source', '--import', 'tsx', '--input-type=module', '-e', program],
    { cwd: resolve(import.meta.dirname, '..') },
  );
  return JSON.parse(stdout.trim());
}
