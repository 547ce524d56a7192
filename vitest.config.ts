import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources: the `tapegrad-source` export condition points
// every @tapegrad/* import at `src/`, so no build is needed before `pnpm test`.
//
// Two projects run the suite on each kernel backend: 'wasm' (the default where WebAssembly
// SIMD runs) and 'js'. The files that already run their tests once per backend themselves
// (the op table's gradient properties, the PyTorch oracle) and those that do not compute
// with tensors run in the first project only.
const perBackendFiles = [
  'packages/core/test/gradients.property.test.ts',
  'packages/core/test/wasm-backend.test.ts',
  'packages/core/test/wasm-build.test.ts',
  'test/oracle/ops.test.ts',
  'test/oracle/losses.test.ts',
  'test/oracle/modules.test.ts',
  'test/oracle/optim.test.ts',
];

// The 'wasm' backend's products multiply-add with relaxed SIMD (fused) where the runtime
// validates it: Chrome 114+ and Node 21+ (V8 11.4+) do by default, Node 20 only behind a V8
// flag. Under Node 20 a third project runs the files that compute products and the backend's
// own tests with that flag, so that the module most browsers run is tested too.
const [v8Major = 0, v8Minor = 0] = process.versions.v8.split('.').map(Number);
const relaxedBehindFlag = v8Major < 11 || (v8Major === 11 && v8Minor < 4);
const relaxedFiles = [
  'packages/core/test/backend.test.ts',
  'packages/core/test/matmul.test.ts',
  'packages/core/test/summation-order.test.ts',
  'packages/core/test/wasm-backend.test.ts',
  'packages/core/test/wasm-build.test.ts',
];

export default defineConfig({
  resolve: { conditions: ['tapegrad-source'] },
  ssr: { resolve: { conditions: ['tapegrad-source'] } },
  test: {
    testTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'wasm',
          include: [
            'packages/*/test/**/*.test.ts',
            'packages/*/src/**/*.test.ts',
            'examples/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          env: { TAPEGRAD_BACKEND: 'wasm' },
          // fast-check's seed and number of cases from TAPEGRAD_FC_SEED and TAPEGRAD_FC_SCALE
          setupFiles: ['./test/setup/fast-check.ts', './test/setup/backend.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'js',
          // what computes: core, nn, optim and the examples' runs (not datasets' parsers,
          // @tapegrad/viz's pictures, the bundle build or the oracle's coverage check)
          include: [
            'packages/{core,nn,optim}/test/**/*.test.ts',
            'packages/{core,nn,optim}/src/**/*.test.ts',
            'examples/test/**/*.test.ts',
            'test/storage-boundary.test.ts',
          ],
          exclude: ['**/node_modules/**', ...perBackendFiles],
          env: { TAPEGRAD_BACKEND: 'js' },
          setupFiles: ['./test/setup/fast-check.ts', './test/setup/backend.ts'],
        },
      },
      ...(relaxedBehindFlag
        ? [
            {
              extends: true as const,
              test: {
                name: 'wasm-relaxed-simd',
                include: relaxedFiles,
                execArgv: ['--experimental-wasm-relaxed-simd'],
                env: { TAPEGRAD_BACKEND: 'wasm' },
                setupFiles: ['./test/setup/fast-check.ts', './test/setup/backend.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
