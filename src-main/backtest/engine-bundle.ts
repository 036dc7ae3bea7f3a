/**
 * The engine as one self-contained script, for places that evaluate code in a fresh realm: the
 * sandbox isolate (later) and the sweep workers (now). esbuild bundles engine/index.ts into an
 * IIFE that assigns `globalThis.QdEngine`; it imports nothing, so the same text runs in an
 * isolated-vm context, a worker thread or node:vm.
 *
 * esbuild is available wherever the TypeScript sources are (it is vite's dependency: dev, tests,
 * CLI, benchmarks). For the packaged app the lead can move this to build time (an electron-vite
 * plugin emitting the same string, or `?raw` import of a prebuilt file); `engineBundle()` is the
 * one seam to change.
 */
import path from 'node:path';

let cached: Promise<string> | null = null;

export const ENGINE_GLOBAL = 'QdEngine';

export function engineBundle(): Promise<string> {
  cached ??= build();
  return cached;
}

async function build(): Promise<string> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [path.join(import.meta.dirname, 'engine', 'index.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    globalName: ENGINE_GLOBAL,
    platform: 'neutral',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = out.outputFiles[0];
  if (!file) throw new Error('esbuild produced no engine bundle');
  // `var QdEngine = …` would stay local inside a function-scoped evaluation; pin it on globalThis.
  return `${file.text}\nglobalThis.${ENGINE_GLOBAL} = ${ENGINE_GLOBAL};\n`;
}
