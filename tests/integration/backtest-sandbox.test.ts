/**
 * Backtests through the core with the default runner: strategy code runs in isolated-vm inside
 * real sandbox host processes. Hostile strategies end their runs with the sandbox's classes and
 * leave nothing marked done; Node is out of reach; cancel is prompt and the pool recovers;
 * progress is coarse; strategies.inspect evaluates in the sandbox too.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvBarSource } from '../../src-main/backtest/bar-source.js';
import { InProcessBacktestRunner } from '../../src-main/backtest/runner.js';
import { syntheticBars } from '../../src-main/backtest/synthetic-bars.js';
import { waitForRun } from '../../src-main/backtest/wait-for-run.js';
import type { Core } from '../../src-main/core.js';
import { backtestResults } from '../../src-main/db/schema/index.js';
import type { StrategyDetail } from '../../src-preload/contract/strategies.js';
import { SMA_CROSS } from '../helpers/bars.js';
import { health } from '../helpers/sandbox.js';
import { tempCore, tempDir } from '../helpers/temp-core.js';

let core: Core;
let cleanup: () => Promise<void>;
let csvDir: string;

function writeCsv(file: string, n: number): void {
  const c = syntheticBars(n, { seed: 7, stepMs: 60_000 });
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < n; i++) {
    lines.push(
      [new Date(c.ts[i]!).toISOString(), c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]].join(','),
    );
  }
  writeFileSync(file, lines.join('\n'));
}

async function ok<T>(channel: string, input?: unknown): Promise<T> {
  const r = await core.invoke(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

async function runStrategy(source: string, datasetId = 'small') {
  const s = await ok<StrategyDetail>('strategies.create', { name: 'S', source });
  const { runId } = await ok<{ runId: string }>('backtests.run', { strategyId: s.id, datasetId });
  return { runId, run: await waitForRun(core, runId) };
}

function storedResults(runId: string): unknown[] {
  return core.db
    .select()
    .from(backtestResults)
    .all()
    .filter((r) => r.runId === runId);
}

beforeAll(async () => {
  csvDir = tempDir('qd-sbx-bars-');
  writeCsv(path.join(csvDir, 'small.csv'), 2_000);
  writeCsv(path.join(csvDir, 'long.csv'), 300_000);
  // Small limits so the hostile cases end quickly; the defaults are 300 s and 1024 MB.
  ({ core, cleanup } = await tempCore({
    barSource: new CsvBarSource({}, csvDir),
    backtestLimits: { timeoutMs: 3_000, memoryMb: 128 },
  }));
});
afterAll(async () => {
  await cleanup();
  rmSync(csvDir, { recursive: true, force: true });
});

describe('hostile strategies end with the sandbox error class and nothing stored', () => {
  it('an infinite loop in onBar → failed, SANDBOX_TIMEOUT', async () => {
    const { runId, run } = await runStrategy('function onBar(ctx) { if (ctx.i === 10) for (;;) {} }');
    expect(run).toMatchObject({ status: 'failed', errorCode: 'SANDBOX_TIMEOUT', metrics: null });
    expect(storedResults(runId)).toEqual([]);
  });

  it('memory exhaustion → failed, SANDBOX_MEMORY', async () => {
    const { runId, run } = await runStrategy(
      'const keep = []; function onBar(ctx) { for (;;) keep.push(new Array(1e5).fill(ctx.i + Math.random())); }',
    );
    expect(run).toMatchObject({ status: 'failed', errorCode: 'SANDBOX_MEMORY', metrics: null });
    expect(storedResults(runId)).toEqual([]);
  });

  it('a throw → SANDBOX_RUNTIME with the bar; a syntax error → SANDBOX_SYNTAX', async () => {
    const thrown = await runStrategy('function onBar(ctx) { if (ctx.i === 42) throw new Error("boom"); }');
    expect(thrown.run).toMatchObject({ status: 'failed', errorCode: 'SANDBOX_RUNTIME' });
    expect(thrown.run.errorMessage).toMatch(/bar 42.*boom/);
    const syntax = await runStrategy('function onBar(ctx) { ');
    expect(syntax.run).toMatchObject({ status: 'failed', errorCode: 'SANDBOX_SYNTAX' });
    expect(storedResults(thrown.runId)).toEqual([]);
    expect(storedResults(syntax.runId)).toEqual([]);
  });

  it('the pool is healthy afterwards and a plain run succeeds', async () => {
    const { run } = await runStrategy(SMA_CROSS);
    expect(run.status).toBe('done');
    expect((await health(core)).state).toBe('ready');
  });
});

describe('what a strategy can reach', () => {
  it('no process, require, WebAssembly or engine global inside a strategy', async () => {
    const { runId, run } = await runStrategy(`
      function onBar(ctx) {
        if (ctx.i === 0) ctx.log([typeof process, typeof require, typeof globalThis.process,
          typeof WebAssembly, typeof SharedArrayBuffer, typeof QdEngine, typeof setTimeout].join(','));
      }`);
    expect(run.status).toBe('done');
    const detail = await ok<{ logs: { message: string }[] }>('backtests.get', { id: runId });
    expect(detail.logs[0]!.message).toBe(
      'undefined,undefined,undefined,undefined,undefined,undefined,undefined',
    );
  });

  it('strategies.inspect evaluates in the sandbox: touching process fails there', async () => {
    const source = 'const params = { fast: { default: process.pid } }; function onBar(ctx) {}';
    // In this process the same source sees Node (which is why the app never evaluates it here) …
    const local = await new InProcessBacktestRunner().describe(source);
    expect(local.params.fast!.default).toBe(process.pid);
    // … through the channel it runs in an isolate, where there is no process.
    const r = await core.invoke('strategies.inspect', { source });
    expect(r).toMatchObject({ ok: false, error: { code: 'SANDBOX_RUNTIME' } });
    expect((r as { error: { message: string } }).error.message).toMatch(/process is not defined/);
  });

  it('strategies.inspect of a top level that never ends → SANDBOX_TIMEOUT', async () => {
    const r = await core.invoke('strategies.inspect', { source: 'for (;;) {} function onBar(ctx) {}' });
    expect(r).toMatchObject({ ok: false, error: { code: 'SANDBOX_TIMEOUT' } });
  });
});

describe('progress and cancel', () => {
  it('reports progress at most every 65,536 bars', async () => {
    const s = await ok<StrategyDetail>('strategies.create', { name: 'SMA', source: SMA_CROSS });
    const events: { phase: string; done: number; total: number }[] = [];
    const { runId } = await ok<{ runId: string }>('backtests.run', { strategyId: s.id, datasetId: 'long' });
    const off = core.on('job.progress', (p) => {
      if (p.jobId === runId) events.push(p);
    });
    const run = await waitForRun(core, runId);
    off();
    expect(run.status).toBe('done');
    const running = events.filter((e) => e.phase === 'running');
    expect(running.length).toBeGreaterThan(0);
    expect(running.length).toBeLessThanOrEqual(Math.ceil(300_000 / 65_536) + 2);
    expect(running.at(-1)).toMatchObject({ done: 300_000, total: 300_000 });
  });

  it('cancel mid-run stops it, stores nothing, and the next run succeeds', async () => {
    const s = await ok<StrategyDetail>('strategies.create', { name: 'SMA', source: SMA_CROSS });
    const { runId } = await ok<{ runId: string }>('backtests.run', { strategyId: s.id, datasetId: 'long' });
    await new Promise<void>((resolve) => {
      const off = core.on('job.progress', (p) => {
        if (p.jobId === runId && p.phase === 'running') {
          off();
          void core.invoke('backtests.cancel', { id: runId }).then(() => resolve());
        }
      });
    });
    const run = await waitForRun(core, runId);
    expect(run).toMatchObject({ status: 'cancelled', errorCode: 'CANCELLED' });
    expect(storedResults(runId)).toEqual([]);
    expect((await runStrategy(SMA_CROSS)).run.status).toBe('done');
  });

  it('cancel reaches a strategy stuck between progress calls (a loop in init): the host stops it', async () => {
    // Its own core with a long time limit, so only cancel can end this run.
    const t = await tempCore({
      barSource: new CsvBarSource({}, csvDir),
      sandbox: { size: 1 },
      backtestLimits: { timeoutMs: 120_000 },
    });
    try {
      const call = async <T>(channel: string, input?: unknown): Promise<T> => {
        const r = await t.core.invoke(channel, input);
        if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
        return r.data as T;
      };
      const s = await call<StrategyDetail>('strategies.create', {
        name: 'Stuck',
        source: 'function init(ctx) { for (;;) {} } function onBar(ctx) {}',
      });
      const { runId } = await call<{ runId: string }>('backtests.run', {
        strategyId: s.id,
        datasetId: 'small',
      });
      // Wait until the host is busy with it, so the cancel lands inside the isolate.
      while (!(await health(t.core)).hosts.some((h) => h.state === 'busy')) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await call('backtests.cancel', { id: runId });
      const run = await waitForRun(t.core, runId);
      expect(run).toMatchObject({ status: 'cancelled', errorCode: 'CANCELLED' });
      expect(t.core.db.select().from(backtestResults).all()).toEqual([]);
      const next = await call<StrategyDetail>('strategies.create', { name: 'SMA', source: SMA_CROSS });
      const again = await call<{ runId: string }>('backtests.run', {
        strategyId: next.id,
        datasetId: 'small',
      });
      expect((await waitForRun(t.core, again.runId)).status).toBe('done');
    } finally {
      await t.cleanup();
    }
  });
});
