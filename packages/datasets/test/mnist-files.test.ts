// loadMnist when the `mnist` package's digit files are missing or broken: a DataFileError
// naming the path, never a raw ENOENT or EISDIR. The package is pointed at a temporary
// folder by mocking the module resolution loadMnist uses.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DataFileError, loadMnist } from '../src/node.js';

/** Where `mnist/package.json` resolves to; null: the package cannot be found. */
const fake = vi.hoisted(() => ({ root: null as string | null }));

vi.mock('node:module', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:module')>();
  const createRequire = (url: string | URL) => {
    const real = actual.createRequire(url);
    const resolve = (id: string) => {
      if (id !== 'mnist/package.json') return real.resolve(id);
      if (fake.root === null) {
        throw Object.assign(new Error(`Cannot find module '${id}'\nRequire stack: …`), {
          code: 'MODULE_NOT_FOUND',
        });
      }
      return join(fake.root, 'package.json');
    };
    return Object.assign((id: string) => real(id), real, { resolve });
  };
  return { ...actual, createRequire, default: { ...actual, createRequire } };
});

const root = mkdtempSync(join(tmpdir(), 'tapegrad-mnist-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A package folder whose src/digits holds 0.json … 9.json, one blank digit each. */
function packageFolder(): { pkg: string; digits: string } {
  const pkg = mkdtempSync(join(root, 'mnist-'));
  const digits = join(pkg, 'src', 'digits');
  mkdirSync(digits, { recursive: true });
  const one = `{ "data": [${new Array(784).fill(0).join(',')}] }`;
  for (let d = 0; d < 10; d++) writeFileSync(join(digits, `${d}.json`), one);
  return { pkg, digits };
}

function caught(fn: () => unknown): DataFileError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFileError);
    return e as DataFileError;
  }
  throw new Error('expected a DataFileError');
}

describe('loadMnist with broken package files', () => {
  beforeEach(() => {
    fake.root = null;
  });

  it('names a digit file that is a folder', () => {
    const { pkg, digits } = packageFolder();
    const path = join(digits, '3.json');
    rmSync(path);
    mkdirSync(path);
    fake.root = pkg;
    const e = caught(() => loadMnist());
    expect(e.path).toBe(path);
    expect(e.offset).toBeNull();
    expect(e.message).toBe(
      `loadMnist: not a file: ${path} is a folder; expected the digit file 3.json ({ "data": [...] }) of the \`mnist\` package`,
    );
  });

  it('names a missing digit file', () => {
    const { pkg, digits } = packageFolder();
    const path = join(digits, '7.json');
    rmSync(path);
    fake.root = pkg;
    const e = caught(() => loadMnist());
    expect(e.path).toBe(path);
    expect(e.message).toBe(
      `loadMnist: file not found: ${path}; expected the digit file 7.json ({ "data": [...] }) of the \`mnist\` package`,
    );
  });

  it('names a missing digits folder', () => {
    const pkg = mkdtempSync(join(root, 'empty-'));
    fake.root = pkg;
    const folder = join(pkg, 'src', 'digits');
    const e = caught(() => loadMnist());
    expect(e.path).toBe(folder);
    expect(e.message).toBe(
      `loadMnist: folder not found: ${folder}; expected a folder holding the digit files 0.json … 9.json of the \`mnist\` package`,
    );
  });

  it('says so when the mnist package cannot be found', () => {
    const e = caught(() => loadMnist());
    expect(e.message).toMatch(
      /^loadMnist: cannot find the `mnist` package that ships the digits \(Cannot find module 'mnist\/package.json'\); install it/,
    );
  });

  it('reads a folder in the package layout (checked last: a success is cached)', () => {
    fake.root = packageFolder().pkg;
    const { train, test } = loadMnist({ testFraction: 0.3 });
    expect(train.x.shape).toEqual([7, 784]);
    expect(test.x.shape).toEqual([3, 784]);
    expect([...train.y, ...test.y].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
