/**
 * Strategies, their append-only versions and backtest run summaries between two real cores and
 * one real server (Fastify + SQLite on a loopback port), through the app's own channels.
 */
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvBarSource } from '../../../src-main/backtest/bar-source.js';
import { syntheticBars } from '../../../src-main/backtest/synthetic-bars.js';
import { waitForRun } from '../../../src-main/backtest/wait-for-run.js';
import type { Core } from '../../../src-main/core.js';
import type { StrategyDetail } from '../../../src-preload/contract/strategies.js';
import { SMA_CROSS } from '../../helpers/bars.js';
import { filesContaining } from '../../helpers/scan-bytes.js';
import { call, signedInPair, type SyncCore } from '../../helpers/sync-cores.js';
import { startSyncServer, type TestServer } from '../../helpers/sync-server.js';
import { tempDir } from '../../helpers/temp-core.js';

let server: TestServer;
let serverDir: string;
let csvDir: string;
const cores: SyncCore[] = [];

beforeAll(async () => {
  serverDir = tempDir('qd-sync-srv-');
  server = await startSyncServer({ sqliteFile: path.join(serverDir, 'server.db') });
  csvDir = tempDir('qd-bars-');
  const c = syntheticBars(400, { seed: 3, stepMs: 86_400_000 });
  const lines = ['date,open,high,low,close,volume'];
  for (let i = 0; i < c.ts.length; i++) {
    const d = new Date(c.ts[i]!).toISOString().slice(0, 10);
    lines.push([d, c.open[i], c.high[i], c.low[i], c.close[i], c.volume[i]].join(','));
  }
  writeFileSync(path.join(csvDir, 'synth.csv'), lines.join('\n'));
});
afterAll(async () => {
  for (const c of cores) await c.cleanup();
  await server.close();
  rmSync(serverDir, { recursive: true, force: true });
  rmSync(csvDir, { recursive: true, force: true });
});

/** Each device pushes, then each pulls what the other pushed. */
async function syncAll(...devices: SyncCore[]): Promise<void> {
  for (let round = 0; round < 2; round++) {
    for (const d of devices) await call(d.core, 'sync.now');
  }
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

/** A strategy as both devices must agree on it: `updatedAt` is when this device last changed it. */
async function shared(core: Core, id: string): Promise<Omit<StrategyDetail, 'updatedAt'>> {
  const { updatedAt: _local, ...rest } = await call(core, 'strategies.get', { id });
  return rest;
}

const strategyIds = (core: Core): Promise<string[]> =>
  call(core, 'strategies.list').then((r) => r.items.map((s) => s.id));

describe('strategies sync between two cores', () => {
  it('a strategy created on A appears on B with its code', async () => {
    const [a, b] = await signedInPair(server.url, cores);
    const made = await call(a.core, 'strategies.create', {
      name: 'SMA cross',
      description: 'fast over slow',
      source: SMA_CROSS,
    });
    await syncAll(a, b);
    const onB = await call(b.core, 'strategies.get', { id: made.id });
    expect(onB).toMatchObject({
      id: made.id,
      name: 'SMA cross',
      description: 'fast over slow',
      versionId: made.versionId,
      version: 1,
      source: SMA_CROSS,
      createdAt: made.createdAt,
    });
    expect(onB.versions).toEqual(made.versions);
    expect(await strategyIds(b.core)).toEqual([made.id]);
  });

  it('offline edits on both converge by last writer per field, and both versions survive', async () => {
    const [a, b] = await signedInPair(server.url, cores);
    const s = await call(a.core, 'strategies.create', { name: 'base', source: 'function onBar(ctx) {}' });
    await syncAll(a, b);

    // Offline: A renames and saves code; later B renames, edits the description and saves code.
    await call(a.core, 'strategies.update', { id: s.id, name: 'A name', source: 'function onBar(a) {}' });
    await tick();
    await call(b.core, 'strategies.update', {
      id: s.id,
      name: 'B name',
      description: 'B description',
      source: 'function onBar(b) {}',
      note: 'from B',
    });
    await tick();
    await call(a.core, 'strategies.update', { id: s.id, description: 'A description, latest' });
    await syncAll(a, b);

    const da = await shared(a.core, s.id);
    expect(await shared(b.core, s.id)).toEqual(da);
    expect(da).toMatchObject({ name: 'B name', description: 'A description, latest' });
    // Append-only: the original and both "version 2"s, newest first by (created_at, id).
    expect(da.versions.map((v) => v.version)).toEqual([2, 2, 1]);
    const sources = await Promise.all(
      da.versions.map((v) =>
        call(b.core, 'strategies.get', { id: s.id, versionId: v.id }).then((d) => d.source),
      ),
    );
    expect(sources).toEqual(['function onBar(b) {}', 'function onBar(a) {}', 'function onBar(ctx) {}']);
    // The current version is B's save (the later writer of latest_version_id).
    expect(da.source).toBe('function onBar(b) {}');
    // The next save on either device numbers after everything it has seen.
    const v3 = await call(a.core, 'strategies.update', { id: s.id, source: 'function onBar(c) {}' });
    expect(v3.version).toBe(3);
    await syncAll(a, b);
    expect(await shared(b.core, s.id)).toEqual(await shared(a.core, s.id));
  });

  it('a delete on one wins over an older edit on the other', async () => {
    const [a, b] = await signedInPair(server.url, cores);
    const s = await call(a.core, 'strategies.create', { name: 'doomed', source: 'function onBar(ctx) {}' });
    await syncAll(a, b);
    await call(b.core, 'strategies.update', {
      id: s.id,
      name: 'edited earlier',
      source: 'function onBar(x) {}',
    });
    await tick();
    await call(a.core, 'strategies.delete', { id: s.id });
    await syncAll(b, a);
    expect(await strategyIds(a.core)).toEqual([]);
    expect(await strategyIds(b.core)).toEqual([]);
    const r = await b.core.invoke('strategies.get', { id: s.id });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it("the server's database holds no plaintext of a strategy's code", async () => {
    const [a, b] = await signedInPair(server.url, cores);
    const marker = `edge_${randomUUID().replaceAll('-', '')}`;
    const source = `// ${marker}\nfunction onBar(ctx) { if (ctx.close > 42) ctx.buy(); }`;
    const s = await call(a.core, 'strategies.create', { name: `My ${marker}`, source });
    await syncAll(a, b);
    expect((await call(b.core, 'strategies.get', { id: s.id })).source).toBe(source);
    // The SQLite file, its WAL and shared memory: neither the code, its name nor the table name.
    expect(filesContaining(serverDir, marker)).toEqual([]);
    expect(filesContaining(serverDir, 'ctx.close > 42')).toEqual([]);
    expect(filesContaining(serverDir, 'strategy_versions')).toEqual([]);
    // The devices do hold it (the test would prove nothing if the marker never got written).
    expect(filesContaining(b.dataDir, marker).length).toBeGreaterThan(0);
  });

  it("a run summary made on A appears in B's list, without its equity or trades", async () => {
    const barSource = new CsvBarSource({}, csvDir);
    const [a, b] = await signedInPair(server.url, cores, { barSource });
    const s = await call(a.core, 'strategies.create', { name: 'SMA', source: SMA_CROSS });
    const { runId } = await call(a.core, 'backtests.run', {
      strategyId: s.id,
      datasetId: 'synth',
      params: { fast: 5, slow: 20 },
    });
    const onA = await waitForRun(a.core, runId);
    expect(onA).toMatchObject({ status: 'done', resultsHere: true });
    await syncAll(a, b);

    const list = await call(b.core, 'backtests.list', { page: 1, pageSize: 10 });
    expect(list.total).toBe(1);
    const { resultsHere: _here, costs: _costs, logs: _logs, sweep: _sweep, ...summaryOnA } = onA;
    expect(list.items[0]).toEqual(summaryOnA);
    const onB = await call(b.core, 'backtests.get', { id: runId });
    expect(onB).toMatchObject({ status: 'done', resultsHere: false, logs: [], metrics: onA.metrics });
    const equity = await b.core.invoke('backtests.equity', { id: runId, maxPoints: 100 });
    expect(equity).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', details: { reason: 'RESULTS_ON_OTHER_DEVICE' } },
    });
    // No result BLOBs travelled.
    const blobs = b.core.db.$client.prepare('select count(*) as n from backtest_results').get() as {
      n: number;
    };
    expect(blobs.n).toBe(0);

    // Deleting the summary on B removes it on A too.
    await call(b.core, 'backtests.delete', { id: runId });
    await syncAll(b, a);
    expect((await call(a.core, 'backtests.list', { page: 1, pageSize: 10 })).total).toBe(0);
  });
});
