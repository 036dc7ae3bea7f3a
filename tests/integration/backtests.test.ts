/**
 * Strategies and backtests through the core's router, as the app calls them: versions, templates,
 * runs as jobs with progress, persisted results, paging and filters, failures, cancel, sweeps.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvBarSource } from '../../src-main/backtest/bar-source.js';
import { waitForRun } from '../../src-main/backtest/wait-for-run.js';
import type { Core } from '../../src-main/core.js';
import { backtestResults, backtestRuns } from '../../src-main/db/schema/index.js';
import type { RunDetail } from '../../src-preload/contract/backtests.js';
import type { StrategyDetail } from '../../src-preload/contract/strategies.js';
import { REAL_DAILY_CSV, SMA_CROSS } from '../helpers/bars.js';
import { syntheticDailyCsv } from '../helpers/csv.js';
import { tempCore, tempDir } from '../helpers/temp-core.js';

let core: Core;
let cleanup: () => Promise<void>;
let csvDir: string;

function writeCsv(file: string, n: number, seed: number): void {
  writeFileSync(file, syntheticDailyCsv(n, seed));
}

async function ok<T>(channel: string, input?: unknown): Promise<T> {
  const r = await core.invoke(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

beforeEach(async () => {
  csvDir = tempDir('qd-bars-');
  writeCsv(path.join(csvDir, 'synth.csv'), 3000, 11);
  const t = await tempCore({
    barSource: new CsvBarSource(existsSync(REAL_DAILY_CSV) ? { ttrc: REAL_DAILY_CSV } : {}, csvDir),
  });
  core = t.core;
  cleanup = t.cleanup;
});
afterEach(async () => {
  await cleanup();
  rmSync(csvDir, { recursive: true, force: true });
});

describe('strategy library', () => {
  it('creates from a template, appends a version on every source save, and tombstones on delete', async () => {
    const templates = await ok<{ items: { id: string }[] }>('strategies.templates');
    expect(templates.items.map((t) => t.id)).toEqual([
      'sma-crossover',
      'rsi-mean-reversion',
      'breakout',
      'buy-and-hold',
    ]);

    const s = await ok<StrategyDetail>('strategies.create', { name: 'Mine', fromTemplate: 'sma-crossover' });
    expect(s).toMatchObject({ version: 1, templateId: 'sma-crossover', name: 'Mine' });
    expect(s.source).toContain('ctx.sma');

    const renamed = await ok<StrategyDetail>('strategies.update', { id: s.id, name: 'Renamed' });
    expect(renamed).toMatchObject({ name: 'Renamed', version: 1 });
    const v2 = await ok<StrategyDetail>('strategies.update', {
      id: s.id,
      source: 'function onBar(ctx) {}',
      note: 'empty',
    });
    expect(v2.version).toBe(2);
    expect(v2.versions.map((v) => v.version)).toEqual([2, 1]);
    const old = await ok<StrategyDetail>('strategies.get', { id: s.id, versionId: s.versionId });
    expect(old.source).toBe(s.source); // version 1 is untouched

    const list = await ok<{ items: { id: string }[] }>('strategies.list');
    expect(list.items.map((i) => i.id)).toEqual([s.id]);
    await ok('strategies.delete', { id: s.id });
    expect((await ok<{ items: unknown[] }>('strategies.list')).items).toEqual([]);
    expect(await core.invoke('strategies.get', { id: s.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('validates input and inspects parameters', async () => {
    expect(await core.invoke('strategies.create', { name: 'x' })).toMatchObject({
      error: { code: 'VALIDATION' },
    });
    expect(await core.invoke('strategies.create', { name: 'x', fromTemplate: 'nope' })).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
    const inspected = await ok<{ params: Record<string, unknown> }>('strategies.inspect', {
      source: SMA_CROSS,
    });
    expect(inspected.params.fast).toMatchObject({ default: 10, min: 1 });
    expect(await core.invoke('strategies.inspect', { source: 'function onBar(' })).toMatchObject({
      error: { code: 'SANDBOX_SYNTAX' },
    });
  });
});

describe('backtest runs', () => {
  it('runs a strategy version as a job with progress, and persists metrics, equity and trades compactly', async () => {
    const s = await ok<StrategyDetail>('strategies.create', { name: 'SMA', source: SMA_CROSS });
    const phases: string[] = [];
    core.on('job.progress', (p) => phases.push(p.phase));
    const { runId, jobId } = await ok<{ runId: string; jobId: string }>('backtests.run', {
      strategyId: s.id,
      datasetId: 'synth',
      params: { fast: 5, slow: 20 },
      costs: { commissionPct: 0.1 },
    });
    expect(jobId).toBe(runId);
    const run = await waitForRun(core, runId);
    expect(run).toMatchObject({
      status: 'done',
      strategyVersionId: s.versionId,
      strategyVersion: 1,
      bars: 3000,
    });
    expect(run.metrics!.trades).toBeGreaterThan(10);
    expect(phases[0]).toBe('loading');
    expect(phases).toContain('running');
    expect(phases.at(-1)).toBe('done');

    const eq = await ok<{ ts: Float64Array; equity: Float64Array; drawdown: Float64Array; total: number }>(
      'backtests.equity',
      {
        id: runId,
        maxPoints: 100,
      },
    );
    expect(eq.total).toBe(3000);
    expect(eq.equity).toBeInstanceOf(Float64Array);
    expect(eq.equity.length).toBe(100);
    expect(eq.equity.at(-1)).toBeCloseTo(run.metrics!.finalEquity, 6);
    expect(Math.min(...eq.drawdown)).toBeCloseTo(-run.metrics!.maxDrawdown, 9);

    const trades = await ok<{ total: number; columns: Record<string, Float64Array> }>('backtests.trades', {
      id: runId,
      offset: 2,
      limit: 3,
    });
    expect(trades.total).toBe(run.metrics!.trades);
    expect(trades.columns.pnl!.length).toBe(3);

    const bars = await ok<{ total: number; close: Float64Array; fills: { time: Float64Array } }>(
      'backtests.bars',
      {
        id: runId,
        maxPoints: 500,
      },
    );
    expect(bars.total).toBe(3000);
    expect(bars.close.length).toBe(500);
    expect(bars.fills.time.length).toBeGreaterThanOrEqual(2 * run.metrics!.trades);

    // One results row per run with BLOBs, never a row per bar.
    const res = core.db.select().from(backtestResults).all();
    expect(res).toHaveLength(1);
    expect(res[0]!.equity!.byteLength).toBe(3000 * 8);
  });

  it('records the exact version it ran even after the strategy changes', async () => {
    const s = await ok<StrategyDetail>('strategies.create', { name: 'Hold', fromTemplate: 'buy-and-hold' });
    const { runId } = await ok<{ runId: string }>('backtests.run', { strategyId: s.id, datasetId: 'synth' });
    await waitForRun(core, runId);
    const v2 = await ok<StrategyDetail>('strategies.update', { id: s.id, source: 'function onBar(ctx) {}' });
    const { runId: r2 } = await ok<{ runId: string }>('backtests.run', {
      strategyVersionId: s.versionId,
      datasetId: 'synth',
    });
    const second = await waitForRun(core, r2);
    expect(second.strategyVersionId).toBe(s.versionId);
    expect(second.metrics!.trades).toBe(1);
    const { runId: r3 } = await ok<{ runId: string }>('backtests.run', {
      strategyId: s.id,
      datasetId: 'synth',
    });
    const third = await waitForRun(core, r3);
    expect(third).toMatchObject({ strategyVersionId: v2.versionId, strategyVersion: 2 });
    expect(third.metrics!.trades).toBe(0);
  });

  it('a strategy that throws ends the run failed with the sandbox error class, with no result stored', async () => {
    const s = await ok<StrategyDetail>('strategies.create', {
      name: 'Boom',
      source: 'function onBar(ctx) { if (ctx.i === 100) throw new Error("boom"); }',
    });
    const { runId } = await ok<{ runId: string }>('backtests.run', { strategyId: s.id, datasetId: 'synth' });
    const run = await waitForRun(core, runId);
    expect(run).toMatchObject({ status: 'failed', errorCode: 'SANDBOX_RUNTIME', metrics: null });
    expect(run.errorMessage).toMatch(/bar 100.*boom/);
    expect(core.db.select().from(backtestResults).all()).toEqual([]);
    expect(await core.invoke('backtests.equity', { id: runId })).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });

    const syntax = await ok<StrategyDetail>('strategies.create', {
      name: 'Bad',
      source: 'function onBar(ctx) {',
    });
    const r2 = await ok<{ runId: string }>('backtests.run', { strategyId: syntax.id, datasetId: 'synth' });
    expect(await waitForRun(core, r2.runId)).toMatchObject({ status: 'failed', errorCode: 'SANDBOX_SYNTAX' });

    const missing = await ok<{ runId: string }>('backtests.run', {
      strategyId: s.id,
      datasetId: 'no-such-data',
    });
    expect(await waitForRun(core, missing.runId)).toMatchObject({ status: 'failed', errorCode: 'NOT_FOUND' });
  });

  it('cancels a running backtest: status cancelled, nothing stored', async () => {
    writeCsv(path.join(csvDir, 'long.csv'), 200_000, 3);
    const s = await ok<StrategyDetail>('strategies.create', { name: 'SMA', source: SMA_CROSS });
    const { runId } = await ok<{ runId: string }>('backtests.run', { strategyId: s.id, datasetId: 'long' });
    const cancelled = new Promise<void>((resolve) => {
      const off = core.on('job.progress', (p) => {
        if (p.jobId === runId && p.phase === 'running') {
          off();
          void core.invoke('backtests.cancel', { id: runId }).then(() => resolve());
        }
      });
    });
    await cancelled;
    const run = await waitForRun(core, runId);
    expect(run).toMatchObject({ status: 'cancelled', errorCode: 'CANCELLED' });
    expect(core.db.select().from(backtestResults).all()).toEqual([]);
  });

  it('lists runs newest first, paged and filtered, and deletes with a tombstone', async () => {
    const a = await ok<StrategyDetail>('strategies.create', { name: 'A', fromTemplate: 'buy-and-hold' });
    const b = await ok<StrategyDetail>('strategies.create', {
      name: 'B',
      source: 'function onBar(ctx) { null.x; }',
    });
    const ids: string[] = [];
    for (const s of [a, a, b]) {
      const { runId } = await ok<{ runId: string }>('backtests.run', {
        strategyId: s.id,
        datasetId: 'synth',
      });
      await waitForRun(core, runId);
      ids.push(runId);
    }
    const page1 = await ok<{ items: RunDetail[]; total: number }>('backtests.list', { page: 1, pageSize: 2 });
    expect(page1.total).toBe(3);
    expect(page1.items).toHaveLength(2);
    const page2 = await ok<{ items: RunDetail[] }>('backtests.list', { page: 2, pageSize: 2 });
    expect([...page1.items, ...page2.items].map((r) => r.id).sort()).toEqual([...ids].sort());
    const failed = await ok<{ items: RunDetail[] }>('backtests.list', { status: 'failed' });
    expect(failed.items.map((r) => r.id)).toEqual([ids[2]]);
    const ofA = await ok<{ items: RunDetail[] }>('backtests.list', { strategyId: a.id });
    expect(ofA.items.map((r) => r.strategyName)).toEqual(['A', 'A']);

    await ok('backtests.delete', { id: ids[0] });
    expect((await ok<{ total: number }>('backtests.list')).total).toBe(2);
    expect(await core.invoke('backtests.get', { id: ids[0] })).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
    const row = core.db
      .select()
      .from(backtestRuns)
      .all()
      .find((r) => r.id === ids[0]);
    expect(row!.deletedAt).not.toBeNull();
  });

  it('runs a parameter sweep as one job with a row per parameter set', async () => {
    const s = await ok<StrategyDetail>('strategies.create', { name: 'SMA', source: SMA_CROSS });
    const { runId } = await ok<{ runId: string }>('backtests.run', {
      strategyId: s.id,
      datasetId: 'synth',
      sweep: { grid: { fast: [5, 10], slow: { from: 20, to: 40, step: 10 } } },
    });
    const run = await waitForRun(core, runId);
    expect(run).toMatchObject({ status: 'done', kind: 'sweep' });
    expect(run.sweep).toHaveLength(6);
    expect(run.sweep!.map((r) => r.params)).toContainEqual({ fast: 10, slow: 30 });
    expect(run.sweep!.every((r) => r.metrics !== null)).toBe(true);
    const tooBig = await core.invoke('backtests.run', {
      strategyId: s.id,
      datasetId: 'synth',
      sweep: { grid: { fast: { from: 1, to: 200, step: 1 }, slow: { from: 1, to: 200, step: 1 } } },
    });
    expect(tooBig).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });

  it('runs on the real daily series with a date range', async () => {
    if (!existsSync(REAL_DAILY_CSV)) {
      console.warn(`Skipping: ${REAL_DAILY_CSV} is not on this machine.`);
      return;
    }
    const s = await ok<StrategyDetail>('strategies.create', {
      name: 'RSI',
      fromTemplate: 'rsi-mean-reversion',
    });
    const { runId } = await ok<{ runId: string }>('backtests.run', {
      strategyId: s.id,
      datasetId: 'ttrc',
      from: Date.UTC(1990, 0, 1),
      to: Date.UTC(1999, 11, 31),
    });
    const run = await waitForRun(core, runId);
    expect(run.status).toBe('done');
    expect(run.bars).toBeGreaterThan(2400);
    expect(run.bars).toBeLessThan(2600);
    expect(run.metrics!.trades).toBeGreaterThan(0);
  });

  it('lists the CSV datasets of the data dir', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'datasets'));
    writeCsv(path.join(dir, 'datasets', 'd.csv'), 200, 1);
    const t = await tempCore({ dataDir: dir });
    expect(await t.core.invoke('backtests.datasets')).toMatchObject({
      ok: true,
      data: { items: [{ id: 'd', name: 'd.csv' }] },
    });
    await t.cleanup();
  });

  it('marks a run left "running" by a crash as failed at the next start', async () => {
    const dir = tempDir();
    const first = await tempCore({ dataDir: dir });
    const s = (await first.core.invoke('strategies.create', { name: 'x', fromTemplate: 'buy-and-hold' })) as {
      ok: true;
      data: StrategyDetail;
    };
    first.core.db
      .insert(backtestRuns)
      .values({
        id: '00000000-0000-4000-8000-000000000001',
        userId: first.core.localUserId,
        kind: 'single',
        strategyId: s.data.id,
        strategyVersionId: s.data.versionId,
        datasetId: 'd',
        params: '{}',
        costs: '{}',
        status: 'running',
        startedAt: 1,
        createdAt: 1,
        updatedAt: 1,
      })
      .run();
    await first.core.close();
    const second = await tempCore({ dataDir: dir });
    expect(
      await second.core.invoke('backtests.get', { id: '00000000-0000-4000-8000-000000000001' }),
    ).toMatchObject({
      ok: true,
      data: { status: 'failed', errorCode: 'INTERNAL' },
    });
    await second.cleanup();
  });
});
