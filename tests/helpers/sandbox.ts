import { expect } from 'vitest';
import type { SandboxExecuteInput, SandboxExecuteOutput } from '../../src-preload/contract/sandbox.js';
import type { Core } from '../../src-main/core.js';

/** Run code through the real channel and return its output; the call itself must succeed. */
export async function execute(core: Core, input: SandboxExecuteInput): Promise<SandboxExecuteOutput> {
  const r = await core.invoke('sandbox.execute', input);
  if (!r.ok) throw new Error(`sandbox.execute failed: ${r.error.code} ${r.error.message}`);
  return r.data as SandboxExecuteOutput;
}

export interface Health {
  state: string;
  hosts: {
    pid: number | null;
    state: string;
    runs: number;
    isolatesAlive: number;
    rssBytes: number | null;
  }[];
  isolatesAlive: number;
  hostsReplaced: number;
  runsTotal: number;
  isolatedVmVersion: string;
}

export async function health(core: Core): Promise<Health> {
  const r = await core.invoke('sandbox.health');
  expect(r.ok).toBe(true);
  return (r as { data: Health }).data;
}
