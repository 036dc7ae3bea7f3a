import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCore, type Core, type CoreOptions } from '../../src-main/core.js';

export function tempDir(prefix = 'qd-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A core on a fresh data dir; `cleanup` closes it and removes the dir. */
export async function tempCore(
  opts: Partial<CoreOptions> = {},
): Promise<{ core: Core; dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = opts.dataDir ?? tempDir();
  const core = await createCore({ checkOutputs: true, ...opts, dataDir });
  return {
    core,
    dataDir,
    cleanup: async () => {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
