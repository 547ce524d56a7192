import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources: the `tapegrad-source` export condition points
// every @tapegrad/* import at `src/`, so no build is needed before `pnpm test`.
export default defineConfig({
  resolve: { conditions: ['tapegrad-source'] },
  ssr: { resolve: { conditions: ['tapegrad-source'] } },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'packages/*/src/**/*.test.ts',
      'examples/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 60_000,
    // fast-check's seed and number of cases from TAPEGRAD_FC_SEED and TAPEGRAD_FC_SCALE
    setupFiles: ['./test/setup/fast-check.ts'],
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
