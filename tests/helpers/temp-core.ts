import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RATE_CATEGORIES } from '../../src-preload/contract/define.js';
import { createCore, type Core, type CoreOptions } from '../../src-main/core.js';
import type { RateLimits } from '../../src-main/ratelimit/types.js';

/**
 * Tests drive channels far faster than a person: the real limiter stays on, with buckets so big
 * (a million a second) that only a test that sets its own limits ever meets a refusal.
 */
export const GENEROUS_RATE_LIMITS: RateLimits = Object.fromEntries(
  RATE_CATEGORIES.map((c) => [c, { limit: 1_000_000, periodMs: 1_000 }]),
) as RateLimits;

export function tempDir(prefix = 'qd-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A core on a fresh data dir (generous rate limits unless `opts.rateLimits` overrides some); `cleanup` closes it and removes the dir. */
export async function tempCore(
  opts: Partial<CoreOptions> = {},
): Promise<{ core: Core; dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = opts.dataDir ?? tempDir();
  const rateLimits = { ...GENEROUS_RATE_LIMITS, ...opts.rateLimits };
  const core = await createCore({ checkOutputs: true, ...opts, rateLimits, dataDir });
  return {
    core,
    dataDir,
    cleanup: async () => {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
