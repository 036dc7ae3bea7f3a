/**
 * The engine as one self-contained script, for places that evaluate code in a fresh realm: the
 * sandbox isolate (later) and the sweep workers (now). esbuild bundles engine/index.ts into an
 * IIFE that assigns `globalThis.QdEngine`; it imports nothing, so the same text runs in an
 * isolated-vm context, a worker thread or node:vm.
 *
 * The app is built by electron-vite, which inlines this bundle as `__QD_ENGINE_BUNDLE__` at build
 * time (electron.vite.config.ts runs `buildEngineBundle` once): the built app has neither the
 * engine's TypeScript sources nor esbuild. From source (tests, the CLI, benchmarks, via tsx) the
 * constant does not exist and the bundle is built on first use with esbuild, vite's dependency.
 */
import path from 'node:path';
import type * as Esbuild from 'esbuild';

/** Replaced by the bundle's text in the electron-vite build (see electron.vite.config.ts). */
declare const __QD_ENGINE_BUNDLE__: string | undefined;

let cached: Promise<string> | null = null;

export const ENGINE_GLOBAL = 'QdEngine';

export function engineBundle(): Promise<string> {
  cached ??=
    typeof __QD_ENGINE_BUNDLE__ === 'string' ? Promise.resolve(__QD_ENGINE_BUNDLE__) : buildEngineBundle();
  return cached;
}

/** A variable specifier keeps the bundler from pulling esbuild into the app's main bundle. */
const ESBUILD = 'esbuild';

/** `entry` is given by the build config, whose bundling moves `import.meta.dirname`. */
export async function buildEngineBundle(
  entry = path.join(import.meta.dirname, 'engine', 'index.ts'),
): Promise<string> {
  const esbuild = (await import(/* @vite-ignore */ ESBUILD)) as typeof Esbuild;
  const out = await esbuild.build({
    entryPoints: [entry],
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
