import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/core.js';
import { silentLogger } from '../../src-main/logger.js';
import { SandboxPool } from '../../src-main/sandbox/sandbox-pool.js';
import type { ScriptJob } from '../../src-main/sandbox/protocol.js';
import { execute, health } from '../helpers/sandbox.js';
import { tempCore } from '../helpers/temp-core.js';

let core: Core;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ core, cleanup } = await tempCore({ sandbox: { size: 1 } }));
});
afterAll(async () => cleanup());

describe('sandbox.execute', () => {
  it('returns the value of the last expression, the console output and the timings', async () => {
    const out = await execute(core, { code: "console.log('a', 1, { b: [2] }); console.warn('w'); 6 * 7" });
    expect(out).toMatchObject({ success: true, result: 42, stdout: 'a 1 { b: [2] }\n', stderr: 'w\n' });
    expect(out.stdoutTruncated).toBe(false);
    expect(out.durationMs).toBeGreaterThan(0);
    expect(out.heapUsedBytes).toBeGreaterThan(0);
  });

  it('awaits promises and async functions within the same run', async () => {
    const out = await execute(core, {
      code: 'async function f() { await null; return { x: [1, 2] }; }\nf()',
    });
    expect(out).toMatchObject({ success: true, result: { x: [1, 2] } });
  });

  it('reports a syntax error with its line and column', async () => {
    const out = await execute(core, { code: 'const a = 1;\nconst b = (;\n' });
    expect(out.success).toBe(false);
    expect(out.error).toMatchObject({ code: 'SANDBOX_SYNTAX', line: 2, column: 12 });
    expect(out.error?.message).toMatch(/^SyntaxError: /);
  });

  it('reports a runtime error with only the user code’s stack lines', async () => {
    const out = await execute(core, {
      code: "console.log('start');\nfunction inner() { throw new RangeError('bad input'); }\nfunction outer() { inner(); }\nouter();",
    });
    expect(out.error).toMatchObject({
      code: 'SANDBOX_RUNTIME',
      message: 'RangeError: bad input',
      line: 2,
      column: 26,
    });
    expect(out.error?.stack).toEqual([
      'at inner (strategy.js:2:26)',
      'at outer (strategy.js:3:20)',
      'at strategy.js:4:1',
    ]);
    expect(out.stdout).toBe('start\n');
  });

  it('reports an async rejection as a runtime error with its position', async () => {
    const out = await execute(core, {
      code: "(async () => {\n  await null;\n  throw new TypeError('late');\n})()",
    });
    expect(out.error).toMatchObject({ code: 'SANDBOX_RUNTIME', message: 'TypeError: late', line: 3 });
  });

  it('defines JSON globals and captures JSON-safe top-level locals', async () => {
    const out = await execute(core, {
      code: 'let total = prices.reduce((a, b) => a + b, 0);\nconst { n, meta: { label } } = cfg;\nvar series = [total / n];\nfunction helper() {}\nclass K {}\nconst m = new Map();\nimplicit = 3;\nif (true) { let inner = 1; }',
      globals: { prices: [1, 2, 3], cfg: { n: 3, meta: { label: 'avg' } } },
      captureLocals: true,
    });
    expect(out.success).toBe(true);
    expect(out.locals).toEqual({ total: 6, n: 3, label: 'avg', series: [2], implicit: 3 });
    expect(out.localsOmitted).toEqual(['m']);
    expect(out.result).toBeUndefined();
  });

  it('never lets one run see another’s state, even on the same warm isolate', async () => {
    await execute(core, {
      code: "globalThis.leak = 1; Object.prototype.polluted = 1; Array.prototype.evil = 1; let secret = 's'; JSON.stringify = () => 'x';",
    });
    const out = await execute(core, {
      code: '[typeof leak, typeof ({}).polluted, typeof [].evil, typeof secret, JSON.stringify({ a: 1 })]',
    });
    expect(out.result).toEqual(['undefined', 'undefined', 'undefined', 'undefined', '{"a":1}']);
  });

  it('audits each run with the code hash, size, duration and outcome, never the code or the globals', async () => {
    const code = 'token.length';
    await execute(core, { code, globals: { token: 'hunter2-secret' } });
    const r = await core.invoke('audit.list', { action: 'sandbox.execute', pageSize: 1 });
    expect(r.ok).toBe(true);
    const item = (r as { data: { items: { outcome: string; details: Record<string, unknown> }[] } }).data
      .items[0];
    expect(item?.outcome).toBe('ok');
    expect(item?.details).toMatchObject({
      codeSha256: createHash('sha256').update(code).digest('hex'),
      codeChars: code.length,
      result: 'success',
      globalsCount: 1,
    });
    expect(typeof item?.details.durationMs).toBe('number');
    expect(JSON.stringify(item)).not.toMatch(/hunter2|token\.length/);
  });

  it('reports its health: pool state, isolates alive, isolated-vm version', async () => {
    const h = await health(core);
    expect(h.state).toBe('ready');
    expect(h.isolatedVmVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(h.hosts.length).toBe(1);
    expect(h.isolatesAlive).toBeGreaterThan(0);
    expect(h.runsTotal).toBeGreaterThan(0);
  });
});

describe('isolate reuse and recycling (SandboxPool API)', () => {
  const job = (code: string, memoryMb = 64): ScriptJob => ({
    kind: 'script',
    code,
    timeoutMs: 5_000,
    memoryMb,
    globalsJson: null,
    captureLocals: false,
  });

  it('reuses a warm isolate, and recycles one whose heap crept past half its limit', async () => {
    const pool = new SandboxPool({ size: 1 }, silentLogger());
    try {
      const a = await pool.run(job('1'));
      const b = await pool.run(job('2'));
      expect(b.isolateRun).toBe(a.isolateRun + 1);
      // ~40 MB of doubles kept alive to the end of the run, in a 64 MB isolate.
      const heavy = await pool.run(job('globalThis.keep = new Array(5e6).fill(1.5); keep.length'));
      expect(heavy).toMatchObject({ success: true, result: 5e6 });
      const next = await pool.run(job('3'));
      expect(next.isolateRun).toBe(1);
      expect(next.result).toBe(3);
    } finally {
      await pool.close();
    }
  });

  it('answers UNAVAILABLE once closed', async () => {
    const pool = new SandboxPool({ size: 1 }, silentLogger());
    await pool.close();
    await expect(pool.run(job('1'))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
