// `pnpm bench`: runs every `bench/<name>.bench.ts` (each exports `bench: Bench`, see
// lib/harness.ts) in name order and prints its tables. `pnpm bench matmul overhead` runs
// only the files whose names contain one of the words.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Bench, formatTable } from './lib/harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

if (files.length === 0) {
  console.error(`no bench/*.bench.ts file matches ${filters.join(', ')}`);
  process.exit(1);
}
console.log(`tapegrad bench — node ${process.version}, ${files.length} file(s)\n`);
const started = performance.now();
for (const file of files) {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { bench?: Bench };
  if (typeof mod.bench !== 'function') {
    throw new Error(`bench/${file} must export \`bench\`, a function returning tables`);
  }
  const t0 = performance.now();
  const tables = await mod.bench();
  for (const table of tables) console.log(`${formatTable(table)}\n`);
  console.log(`(${file}: ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
