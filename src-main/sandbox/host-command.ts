/**
 * How main starts a sandbox host. From source (tests, `node --import tsx`), the host is
 * `host/main.ts` run through tsx; from the electron-vite build it is `sandbox-host.js` next to
 * the bundled main (a second main entry the build declares). The executable is `process.execPath`
 * under plain Node; the packaged app passes its own (see docs/sandbox.md): Electron's V8 memory
 * cage is expected to refuse isolated-vm's allocator, so the host must be a plain Node runtime.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface HostCommand {
  execPath: string;
  /** Everything after the executable: Node flags, then the entry file. */
  args: string[];
  env?: Record<string, string>;
}

/**
 * isolated-vm refuses to load in a process started from Node's startup snapshot. A larger young
 * generation (V8 flags are process-wide, so every isolate gets it; it only grows when used) means
 * fewer scavenges in a backtest's bar loop: a 1 M-bar sweep on 2 hosts went from ~6.6 s to ~5.7 s
 * (medians of alternating runs, docs/sandbox.md).
 */
export const HOST_NODE_FLAGS = ['--no-node-snapshot', '--max-semi-space-size=32'];

export function defaultHostCommand(): HostCommand {
  const here = import.meta.dirname;
  const source = path.join(here, 'host', 'main.ts');
  if (existsSync(source)) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return { execPath: process.execPath, args: [...HOST_NODE_FLAGS, '--import', tsx, source] };
  }
  return { execPath: process.execPath, args: [...HOST_NODE_FLAGS, path.join(here, 'sandbox-host.js')] };
}
