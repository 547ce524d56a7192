// The playground's build: static files with relative URLs (base './'), so that dist/ works
// from any folder of any static host. The @tapegrad/* packages resolve to their built
// entries (packages/*/dist), as they would from the npm registry: `pnpm build` first.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const PACKAGES = ['core', 'nn', 'optim', 'datasets', 'viz'];

for (const pkg of PACKAGES) {
  const entry = fileURLToPath(new URL(`../../packages/${pkg}/dist/index.js`, import.meta.url));
  if (!existsSync(entry)) {
    throw new Error(
      `playground: @tapegrad/${pkg} is not built (${entry} is missing): run \`pnpm build\` at the repository root first`,
    );
  }
}

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Graphviz (@viz-js/viz, its WebAssembly inlined as base64) is one 1.36 MB chunk,
    // loaded only when the graph is shown
    chunkSizeWarningLimit: 1400,
  },
});
