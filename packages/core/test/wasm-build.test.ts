// The 'wasm' backend ships no binary without its source: the module inlined in
// src/backend/wasm/binary.generated.ts is what the AssemblyScript compiler (a pinned npm
// package) makes of wasm/assembly/ today, byte for byte.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RELAXED_SIMD, SIMD } from '../src/backend/wasm/binary.generated.js';

/** The one WebAssembly function used (core's TypeScript settings declare no WebAssembly). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
}

const core = fileURLToPath(new URL('..', import.meta.url));

describe('the generated WebAssembly module', () => {
  it('is a fresh build of wasm/assembly/ (else: pnpm --filter @tapegrad/core build:wasm)', () => {
    // exits 1 with the file's name when the committed module differs from a fresh build
    execFileSync(process.execPath, ['wasm/build.mjs', '--check'], { cwd: core, stdio: 'pipe' });
    const text = readFileSync(`${core}/src/backend/wasm/binary.generated.ts`, 'utf8');
    expect(text).toContain(`'${SIMD}'`);
    expect(text).toContain(`'${RELAXED_SIMD}'`);
  }, 120_000);

  it('validates where WebAssembly SIMD runs; the relaxed variant only with relaxed SIMD', () => {
    const { validate } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const bytes = (b64: string) => Uint8Array.from(Buffer.from(b64, 'base64'));
    expect(validate(bytes(SIMD))).toBe(true);
    // Node 20 enables relaxed SIMD only behind --experimental-wasm-relaxed-simd
    const relaxedOn = process.execArgv.some((a) => a.includes('relaxed-simd'));
    expect(validate(bytes(RELAXED_SIMD))).toBe(relaxedOn);
  });
});
