import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { buildEngineBundle } from './src-main/backtest/engine-bundle.js';

// The backtest engine as one script, inlined into main: the built app ships neither the engine's
// TypeScript sources nor esbuild (src-main/backtest/engine-bundle.ts).
const engineBundle = await buildEngineBundle(
  resolve(import.meta.dirname, 'src-main/backtest/engine/index.ts'),
);

export default defineConfig({
  main: {
    define: { __QD_ENGINE_BUNDLE__: JSON.stringify(engineBundle) },
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src-main/electron/main.ts'),
          // The sandbox host process's entry (docs/sandbox.md); found beside index.js at run time.
          'sandbox-host': resolve(import.meta.dirname, 'src-main/sandbox/host/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require() node_modules: bundle everything it uses (zod).
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src-preload/index.ts') },
        // A sandboxed preload must be CommonJS (an .mjs preload is not loaded with sandbox: true).
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') } },
    },
  },
});
