// The products' ceiling on this machine: the GFLOP/s of the 'wasm' backend's 4×8 register
// tile alone (anchors/tile-ceiling/tile.ts: loads, splats, multiplies and adds of one tile
// over panels that stay in L1; no packing, edges or copies), built with and without relaxed
// SIMD, next to tapegrad's whole float32 product at 512² on one thread. How far a product
// can still rise on 128-bit vectors, whatever its blocking, is the gap between the two.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getNumThreads, matmul, noGrad, Rng, randn, setNumThreads } from '@tapegrad/core';
import asc from 'assemblyscript/asc';
import { type Contender, failureNotes, msOf, timeContenders } from './lib/contenders.js';
import { type Bench, fmt } from './lib/harness.js';
import { withBackend } from './lib/tapegrad.js';

const here = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(here, 'anchors', 'tile-ceiling', 'tile.ts');
/** The panels' depth: A 4×64 and B 64×8 float32, 3 kB together. */
const K = 64;
/** Passes of the tile per call: 2·4·8·K·ITERS = 8.4 MFLOP, ~0.2 ms. */
const ITERS = 2048;
const N = 512;
const PRODUCT = 'product 512², 1 thread';

/** The part of the WebAssembly API used (the bench's TypeScript settings declare none). */
const wa = (
  globalThis as unknown as {
    WebAssembly: {
      validate(bytes: Uint8Array): boolean;
      instantiate(bytes: Uint8Array): Promise<{ instance: { exports: object } }>;
    };
  }
).WebAssembly;

interface TileModule {
  readonly tile: (iters: number, a: number, b: number, k: number) => number;
  readonly memory: { readonly buffer: ArrayBuffer };
}

/** The tile compiled with `features`, or null where this runtime does not validate them. */
async function build(features: readonly string[]): Promise<TileModule | null> {
  let binary: Uint8Array | null = null;
  const stderr = asc.createMemoryStream();
  const { error } = await asc.main(
    [
      SOURCE,
      '--outFile',
      'tile.wasm',
      '-O3',
      '--runtime',
      'stub',
      '--noAssert',
      '--initialMemory',
      '1',
      ...features.flatMap((f) => ['--enable', f]),
    ],
    {
      stderr,
      writeFile(name: string, contents: string | Uint8Array) {
        if (name.endsWith('tile.wasm') && typeof contents !== 'string') binary = contents;
      },
    },
  );
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
  const bytes = binary as Uint8Array | null;
  if (bytes === null || !wa.validate(bytes)) return null;
  const { instance } = await wa.instantiate(bytes);
  return instance.exports as unknown as TileModule;
}

export const bench: Bench = async () => {
  const plain = await build(['simd']);
  const fused = await build(['simd', 'relaxed-simd']);
  /** The tile's contender: panels of small values put at 1 kB and 4 kB of its memory. */
  const tileContender = (name: string, m: TileModule): Contender => ({
    name,
    setup: () => {
      const f = new Float32Array(m.memory.buffer);
      for (let i = 0; i < 4 * K; i++) f[256 + i] = ((i % 7) - 3) / 64;
      for (let i = 0; i < 8 * K; i++) f[1024 + i] = ((i % 5) - 2) / 64;
      return () => m.tile(ITERS, 1024, 4096, K);
    },
  });
  const rng = new Rng(0);
  const contenders: Contender[] = [
    ...(plain === null ? [] : [tileContender('tile, SIMD', plain)]),
    ...(fused === null ? [] : [tileContender('tile, relaxed SIMD', fused)]),
    {
      name: PRODUCT,
      setup: () =>
        withBackend('wasm', () => {
          const [a, b] = [0, 1].map(() => randn([N, N], { rng }));
          // one thread while the contenders run (the tiles use none), as before after
          const threads = getNumThreads();
          setNumThreads(1);
          return {
            run: () => withBackend('wasm', () => noGrad(() => matmul(a!, b!))),
            dispose: () => setNumThreads(threads),
          };
        }),
    },
  ];
  const measured = timeContenders(contenders, {
    warmup: 5,
    minRounds: 15,
    maxRounds: 60,
    minTimeMs: 1500,
  });
  const tileFlops = 2 * 4 * 8 * K * ITERS;
  const gf = (name: string, flops: number) => {
    const ms = msOf(measured.get(name));
    return ms === undefined ? undefined : flops / (ms * 1e6);
  };
  const product = gf(PRODUCT, 2 * N ** 3);
  const rows = contenders.map((c) => {
    const v = gf(c.name, c.name.startsWith('tile') ? tileFlops : 2 * N ** 3);
    return [
      c.name,
      fmt(v, 1),
      fmt(v === undefined || product === undefined ? undefined : product / v, 2),
    ];
  });
  return [
    {
      title:
        "products' ceiling: the 4×8 tile alone on L1-resident panels vs a whole product (GFLOP/s)",
      columns: ['what', 'GFLOP/s', 'product ÷ this'],
      rows,
      notes: [
        `tile: ${ITERS} passes over A 4×${K} and B ${K}×8 float32 (3 kB), per k two loads, four splats, eight`,
        '  multiplies and adds (eight fused multiply-adds with relaxed SIMD); no packing, edges or copies.',
        "product: tapegrad's float32 512² @ 512² on 'wasm', one thread, its output read in place.",
        fused === null
          ? 'relaxed SIMD does not validate in this runtime (Node 20: node --experimental-wasm-relaxed-simd).'
          : 'relaxed SIMD validates here: the product uses it.',
        ...failureNotes("the ceiling's contenders", measured),
      ],
      data: Object.fromEntries(contenders.map((c) => [c.name, msOf(measured.get(c.name))])),
    },
  ];
};
