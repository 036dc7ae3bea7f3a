import { rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from '../../src-main/harness/harness-server.js';
import { launchChromium } from './chromium.js';
import { RENDERER_DIR, assertRendererBuilt } from './renderer-build.js';
import { tempDir } from './temp-core.js';

export interface HarnessSession {
  harness: Harness;
  browser: Browser;
  dataDir: string;
}

/**
 * For one describe block: a browser harness on a fresh data dir and a Debian Chromium, closed
 * and removed afterwards (QD_KEEP=1 keeps the data dir for a look). `options` may prepare the
 * data dir and add harness options (a file dialog, rate limits…). Fields are set in beforeAll.
 */
export function harnessSession(
  prefix: string,
  options: (dataDir: string) => Partial<HarnessOptions> | Promise<Partial<HarnessOptions>> = () => ({}),
): HarnessSession {
  const s = {} as HarnessSession;
  beforeAll(async () => {
    assertRendererBuilt();
    s.dataDir = tempDir(prefix);
    s.harness = await startHarness({
      dataDir: s.dataDir,
      rendererDir: RENDERER_DIR,
      ...(await options(s.dataDir)),
    });
    s.browser = await launchChromium();
  });
  afterAll(async () => {
    await s.browser?.close();
    await s.harness?.close();
    if (s.dataDir && !process.env.QD_KEEP) rmSync(s.dataDir, { recursive: true, force: true });
  });
  return s;
}
