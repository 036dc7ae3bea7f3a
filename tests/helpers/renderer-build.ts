import { existsSync } from 'node:fs';
import path from 'node:path';

export const RENDERER_DIR = path.resolve(import.meta.dirname, '../../out/renderer');

/** `npm test` builds first; a bare `vitest` run without a build fails loudly, never skips. */
export function assertRendererBuilt(): void {
  if (!existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`No built renderer at ${RENDERER_DIR}: run "npm run build" (npm test does it for you).`);
  }
}
