// The backend the suite runs on (vitest `setupFiles`): TAPEGRAD_BACKEND=js|wasm, set per
// project in vitest.config.ts so that `pnpm test` runs every test on both backends. Unset,
// tests run on the default (wasm where WebAssembly SIMD runs, else js). Imported by path: the
// same module instance the tests get from '@tapegrad/core' (its source condition).
import { getBackend, listBackends, setBackend } from '../../packages/core/src/index.js';

const wanted = process.env.TAPEGRAD_BACKEND?.trim();
if (wanted !== undefined && wanted !== '') {
  if (!listBackends().includes(wanted)) {
    throw new Error(
      `TAPEGRAD_BACKEND=${wanted}, but this runtime has only ${listBackends().join(', ')}`,
    );
  }
  setBackend(wanted);
  if (getBackend() !== wanted) throw new Error(`setBackend('${wanted}') did not take`);
}
