import { defineConfig } from 'vitest/config';

// The playground's end-to-end tests: the built page (dist/) in Debian's Chromium. Not part
// of the root `pnpm test` (a machine may lack Chromium): `pnpm test:e2e` builds the page and
// runs them.
export default defineConfig({
  test: {
    include: ['test/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // the closing `tests: N passed, N failed` line CI reads, as the root suite prints it
    reporters: ['default', '../../scripts/summary-reporter.ts'],
  },
});
