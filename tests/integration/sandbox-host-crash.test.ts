import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/core.js';
import type { SandboxExecuteOutput } from '../../src-preload/contract/sandbox.js';
import { execute, health } from '../helpers/sandbox.js';
import { tempCore } from '../helpers/temp-core.js';

let core: Core;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ core, cleanup } = await tempCore({ sandbox: { size: 1 } }));
});
afterAll(async () => cleanup());

describe('a sandbox host killed mid-run', () => {
  it('ends that run with an error; the next run succeeds on a fresh host', async () => {
    const run = core.invoke('sandbox.execute', {
      code: "console.log('spinning'); for (;;) {}",
      timeoutMs: 60_000,
    });
    let busy: number | null = null;
    while (busy === null) {
      await new Promise((r) => setTimeout(r, 20));
      busy = (await health(core)).hosts.find((h) => h.state === 'busy')?.pid ?? null;
    }
    process.kill(busy, 'SIGKILL');

    const r = await run;
    expect(r.ok).toBe(true);
    const out = (r as { data: SandboxExecuteOutput }).data;
    expect(out.success).toBe(false);
    expect(out.error?.code).toBe('SANDBOX_RUNTIME');
    expect(out.error?.message).toMatch(/stopped unexpectedly \(signal SIGKILL\)/);

    const next = await execute(core, { code: '"alive"' });
    expect(next).toMatchObject({ success: true, result: 'alive' });
    const h = await health(core);
    expect(h.hostsReplaced).toBe(1);
    expect(h.hosts.map((x) => x.pid)).not.toContain(busy);
  });
});
