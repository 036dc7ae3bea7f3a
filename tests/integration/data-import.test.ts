import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/core.js';
import type { ImportResult } from '../../src-preload/contract/data.js';
import { bytesOf, DAY, dailyBars, toCsv } from '../helpers/csv.js';
import { tempCore } from '../helpers/temp-core.js';

const TTRC = path.resolve(import.meta.dirname, '../../../shared/data/ttrc-daily-1985-2006.csv');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function core(opts: Parameters<typeof tempCore>[0] = {}): Promise<Core> {
  const t = await tempCore(opts);
  cleanups.push(t.cleanup);
  return t.core;
}

async function ok<T = unknown>(p: Promise<{ ok: boolean; data?: unknown; error?: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r.data as T;
}

const storedFiles = (c: Core): string[] => c.data.files.listStored();

describe('data import', () => {
  it('imports the real TTRC daily file and reads it back', async (ctx) => {
    if (!existsSync(TTRC)) {
      console.warn(`skipped: ${TTRC} is absent`);
      ctx.skip();
    }
    const c = await core();
    const bytes = new Uint8Array(readFileSync(TTRC));
    const events: { done: number; phase: string }[] = [];
    c.on('job.progress', (e) => events.push(e));
    const r = await ok<ImportResult>(
      c.invoke('data.importBytes', { filename: 'ttrc-daily-1985-2006.csv', bytes }),
    );
    expect(r).toMatchObject({
      symbol: 'TTRC',
      timeframe: '1d',
      rowsAccepted: 5550,
      rowsRejected: 0,
      duplicates: 0,
    });
    expect(r.fileSizeBytes).toBe(bytes.byteLength);
    expect(new Date(r.firstTs).toISOString()).toBe('1985-01-02T00:00:00.000Z');
    expect(new Date(r.lastTs).toISOString()).toBe('2006-12-29T00:00:00.000Z');
    expect(events.at(-1)).toMatchObject({ phase: 'done', done: bytes.byteLength });

    const bars = await ok<{ count: number; close: Float64Array; ts: Float64Array }>(
      c.invoke('bars.query', { symbol: 'ttrc', timeframe: '1d' }),
    );
    expect(bars.count).toBe(5550);
    expect(bars.close[0]).toBe(3.08);
    expect(bars.close[5549]).toBe(51.95);

    const usage = await ok<{ usedBytes: number; fileCount: number }>(c.invoke('storage.usage'));
    expect(usage).toMatchObject({ usedBytes: bytes.byteLength, fileCount: 1 });
    expect(storedFiles(c)).toHaveLength(1);
    // The stored copy is byte-identical to the original.
    expect(readFileSync(path.join(c.data.files.root, storedFiles(c)[0]!)).equals(Buffer.from(bytes))).toBe(
      true,
    );
  });

  it('rejects invalid rows with counted reasons and samples, reports duplicates and sorts', async () => {
    const c = await core();
    const csv = [
      '"Date";"Open";"High";"Low";"Close";"Volume"',
      '2020-01-03;10;12;9;11;100',
      '2020-01-01;10;12;9;11;100',
      '2020-01-02;10;9;8;9.5;100', // high below open
      '2020-01-04;10;12;10.5;11;100', // low above open
      '2020-01-05;10;12;9;11;-1', // negative volume
      '2020-01-06;abc;12;9;11;100', // bad number
      'not-a-date;10;12;9;11;100', // bad timestamp
      '2020-02-30;10;12;9;11;100', // impossible date
      '2020-01-07;10;12;9', // missing fields
      '2020-01-01;20;22;19;21;200', // duplicate ts: the later row wins
      '',
    ].join('\n');
    const r = await ok<ImportResult>(
      c.invoke('data.importBytes', {
        filename: 'x.csv',
        bytes: bytesOf(csv),
        symbol: 'abc',
        timeframe: '1d',
      }),
    );
    expect(r.rowsAccepted).toBe(2);
    expect(r.duplicates).toBe(1);
    expect(r.wasUnsorted).toBe(true);
    expect(r.rowsRejected).toBe(7);
    expect(r.rejectReasons).toEqual({
      high_below_open_close: 1,
      low_above_open_close: 1,
      negative_volume: 1,
      bad_number: 1,
      bad_timestamp: 2,
      missing_fields: 1,
    });
    expect(r.rejectSamples[0]).toMatchObject({ line: 4, reason: 'high_below_open_close' });
    expect(r.duplicateSamples).toEqual([Date.UTC(2020, 0, 1)]);
    const bars = await ok<{ ts: Float64Array; open: Float64Array }>(
      c.invoke('bars.query', { symbol: 'ABC', timeframe: '1d' }),
    );
    expect([...bars.ts]).toEqual([Date.UTC(2020, 0, 1), Date.UTC(2020, 0, 3)]);
    expect(bars.open[0]).toBe(20);
    const h = await ok<{ items: { rowsRejected: number; rejectReasons: Record<string, number> }[] }>(
      c.invoke('data.history', {}),
    );
    expect(h.items[0]).toMatchObject({ rowsRejected: 7, rejectReasons: { bad_timestamp: 2 } });
  });

  it('reads epoch seconds, epoch milliseconds, separate date/time columns and a time zone', async () => {
    const c = await core();
    const secs =
      'timestamp,open,high,low,close,volume\n1577836800,1,2,0.5,1.5,10\n1577836860,1,2,0.5,1.5,10\n';
    const a = await ok<ImportResult>(
      c.invoke('data.importBytes', { filename: 'secs.csv', bytes: bytesOf(secs) }),
    );
    expect(a).toMatchObject({ symbol: 'SECS', timeframe: '1m', firstTs: Date.UTC(2020, 0, 1) });
    const ms =
      'time\topen\thigh\tlow\tclose\tvol\n1577836800000\t1\t2\t0.5\t1.5\t10\n1577840400000\t1\t2\t0.5\t1.5\t10\n';
    const b = await ok<ImportResult>(
      c.invoke('data.importBytes', { filename: 'ms.tsv', bytes: bytesOf(ms) }),
    );
    expect(b).toMatchObject({ timeframe: '1h', firstTs: Date.UTC(2020, 0, 1) });
    const split =
      'Date,Time,Open,High,Low,Close,Volume\n2020-07-01,09:30,1,2,0.5,1.5,10\n2020-07-01,09:35,1,2,0.5,1.5,10\n';
    const d = await ok<ImportResult>(
      c.invoke('data.importBytes', {
        filename: 'spy.csv',
        bytes: bytesOf(split),
        timezone: 'America/New_York',
      }),
    );
    // 09:30 in New York in July is 13:30 UTC (EDT, UTC-4).
    expect(d).toMatchObject({ symbol: 'SPY', timeframe: '5m', firstTs: Date.UTC(2020, 6, 1, 13, 30) });
  });

  it('merges an overlapping re-import by timestamp; the newer file wins', async () => {
    const c = await core();
    const first = dailyBars(10_000, Date.UTC(1990, 0, 1), 1);
    const second = dailyBars(6_000, Date.UTC(1990, 0, 1) + 8_000 * DAY, 2);
    await ok(
      c.invoke('data.importBytes', {
        filename: 'a.csv',
        bytes: bytesOf(toCsv(first)),
        symbol: 'M',
        timeframe: '1d',
      }),
    );
    const cold = await ok<{ count: number }>(c.invoke('bars.query', { symbol: 'M', timeframe: '1d' }));
    expect(cold.count).toBe(10_000);
    const r = await ok<ImportResult>(
      c.invoke('data.importBytes', {
        filename: 'b.csv',
        bytes: bytesOf(toCsv(second)),
        symbol: 'M',
        timeframe: '1d',
      }),
    );
    expect(r.datasetRows).toBe(14_000);
    const bars = await ok<{ count: number; ts: Float64Array; close: Float64Array }>(
      c.invoke('bars.query', { symbol: 'M', timeframe: '1d' }),
    );
    expect(bars.count).toBe(14_000); // the cache was invalidated by the import
    for (let i = 1; i < bars.count; i++) expect(bars.ts[i]! > bars.ts[i - 1]!).toBe(true);
    expect(bars.close[7_999]).toBe(first[7_999]!.c);
    expect(bars.close[8_000]).toBe(second[0]!.c);
    expect(bars.close[13_999]).toBe(second[5_999]!.c);

    const range = await ok<{ count: number; ts: Float64Array }>(
      c.invoke('bars.query', { symbol: 'M', timeframe: '1d', from: first[100]!.ts, to: first[199]!.ts }),
    );
    expect(range.count).toBe(100);
    expect(range.ts[0]).toBe(first[100]!.ts);

    const ds = await ok<{ items: { rowCount: number; sourceFileIds: string[] }[] }>(
      c.invoke('data.datasets'),
    );
    expect(ds.items).toHaveLength(1);
    expect(ds.items[0]).toMatchObject({ rowCount: 14_000 });
    expect(ds.items[0]!.sourceFileIds).toHaveLength(2);

    // Deleting the newer file rebuilds the dataset from the older one.
    const del = await ok<{ datasetsRebuilt: string[] }>(c.invoke('storage.deleteFile', { fileId: r.fileId }));
    expect(del.datasetsRebuilt).toHaveLength(1);
    const after = await ok<{ count: number; close: Float64Array }>(
      c.invoke('bars.query', { symbol: 'M', timeframe: '1d' }),
    );
    expect(after.count).toBe(10_000);
    expect(after.close[8_000]).toBe(first[8_000]!.c);
  });

  it('downsamples for charts keeping extremes', async () => {
    const c = await core();
    const rows = dailyBars(1000);
    await ok(c.invoke('data.importBytes', { filename: 'd.csv', bytes: bytesOf(toCsv(rows)), symbol: 'D' }));
    const r = await ok<{
      count: number;
      downsampled: boolean;
      high: Float64Array;
      low: Float64Array;
      volume: Float64Array;
    }>(c.invoke('bars.query', { symbol: 'D', timeframe: '1d', maxPoints: 100 }));
    expect(r).toMatchObject({ count: 100, downsampled: true });
    expect(Math.max(...r.high)).toBe(Math.max(...rows.map((x) => x.h)));
    expect(Math.min(...r.low)).toBe(Math.min(...rows.map((x) => x.l)));
    expect(r.volume.reduce((a, b) => a + b, 0)).toBe(rows.reduce((a, b) => a + b.v, 0));
  });

  it('deleteFile removes the file, its bars and its dataset and frees the quota', async () => {
    const c = await core();
    const r = await ok<ImportResult>(
      c.invoke('data.importBytes', { filename: 'z.csv', bytes: bytesOf(toCsv(dailyBars(50))), symbol: 'Z' }),
    );
    expect(storedFiles(c)).toHaveLength(1);
    const del = await ok<{ freedBytes: number; datasetsRemoved: string[] }>(
      c.invoke('storage.deleteFile', { fileId: r.fileId }),
    );
    expect(del).toMatchObject({ freedBytes: r.fileSizeBytes, datasetsRemoved: [r.datasetId] });
    expect(storedFiles(c)).toHaveLength(0);
    expect(await ok(c.invoke('storage.usage'))).toMatchObject({ usedBytes: 0, fileCount: 0 });
    expect(await c.invoke('bars.query', { symbol: 'Z', timeframe: '1d' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect((c.db.$client.prepare('select count(*) as n from bar_chunks').get() as { n: number }).n).toBe(0);
    expect(await c.invoke('storage.deleteFile', { fileId: r.fileId })).toMatchObject({
      error: { code: 'NOT_FOUND' },
    });
  });

  it('imports through the main-side dialog, and a dismissed dialog imports nothing', async () => {
    const dir = path.dirname(TTRC);
    let answer: string | null = null;
    const c = await core({ dialog: { openFile: async () => answer } });
    expect(await ok(c.invoke('data.importFromDialog', {}))).toBeNull();
    if (!existsSync(TTRC)) {
      console.warn(`skipped the dialog import half: ${TTRC} is absent`);
      return;
    }
    answer = path.join(dir, 'ttrc-daily-1985-2006.csv');
    const r = await ok<ImportResult>(c.invoke('data.importFromDialog', { symbol: 'TTRC2' }));
    expect(r).toMatchObject({ symbol: 'TTRC2', rowsAccepted: 5550 });
    // The input schema has no path field: the renderer cannot name a file for main to read.
    expect(await c.invoke('data.importFromDialog', { path: '/etc/passwd' })).toMatchObject({
      error: { code: 'VALIDATION' },
    });
  });

  it('pages and filters the import history with a total', async () => {
    let t = Date.UTC(2024, 0, 1);
    const c = await core({ now: () => (t += 1000) });
    for (let i = 0; i < 7; i++) {
      await c.invoke('data.importBytes', {
        filename: `good-${i}.csv`,
        bytes: bytesOf(toCsv(dailyBars(5))),
        symbol: `S${i}`,
      });
    }
    for (let i = 0; i < 3; i++) {
      await c.invoke('data.importBytes', { filename: `bad-${i}.csv`, bytes: bytesOf('nothing,here\n1,2\n') });
    }
    type H = { items: { filename: string; status: string; queuedAt: number }[]; total: number };
    const all = await ok<H>(c.invoke('data.history', { page: 1, pageSize: 4 }));
    expect(all.total).toBe(10);
    expect(all.items.map((i) => i.filename)).toEqual(['bad-2.csv', 'bad-1.csv', 'bad-0.csv', 'good-6.csv']);
    const p3 = await ok<H>(c.invoke('data.history', { page: 3, pageSize: 4 }));
    expect(p3.items).toHaveLength(2);
    const failed = await ok<H>(c.invoke('data.history', { status: 'failed' }));
    expect(failed.total).toBe(3);
    const byName = await ok<H>(c.invoke('data.history', { filename: 'GOOD-1' }));
    expect(byName.items.map((i) => i.filename)).toEqual(['good-1.csv']);
    const every = await ok<H>(c.invoke('data.history', { pageSize: 10 }));
    const at = (name: string): number => every.items.find((i) => i.filename === name)!.queuedAt;
    const range = await ok<H>(c.invoke('data.history', { from: at('good-4.csv'), to: at('good-6.csv') }));
    expect(range.items.map((i) => i.filename)).toEqual(['good-6.csv', 'good-5.csv', 'good-4.csv']);
    expect(readdirSync(c.data.files.tempDir)).toHaveLength(0);
  });
});
