import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/core.js';
import { bytesOf, dailyBars, toCsv } from '../helpers/csv.js';
import { tempCore, tempDir } from '../helpers/temp-core.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function core(opts: Parameters<typeof tempCore>[0] = {}): Promise<Core> {
  const t = await tempCore(opts);
  cleanups.push(t.cleanup);
  return t.core;
}

/** Nothing left behind: no stored file, no temp file, no reservation, no bars, no dataset. */
function expectNothingStored(c: Core): void {
  expect(c.data.files.listStored()).toEqual([]);
  expect(readdirSync(c.data.files.tempDir)).toEqual([]);
  const n = (sql: string): number => (c.db.$client.prepare(sql).get() as { n: number }).n;
  expect(n('select count(*) as n from user_files where deleted_at is null')).toBe(0);
  expect(n('select count(*) as n from bar_chunks')).toBe(0);
  expect(n('select count(*) as n from datasets where deleted_at is null')).toBe(0);
  expect(c.data.quota.usage(c.localUserId)).toMatchObject({ usedBytes: 0, fileCount: 0 });
}

async function lastHistory(c: Core): Promise<{ status: string; errorCode: string | null }> {
  const r = await c.invoke('data.history', { pageSize: 1 });
  if (!r.ok) throw new Error(JSON.stringify(r));
  return (r.data as { items: { status: string; errorCode: string | null }[] }).items[0]!;
}

/** A big valid CSV (about 63 bytes a row). */
function bigCsv(rows: number): Uint8Array {
  const parts: string[] = ['timestamp,open,high,low,close,volume'];
  const t0 = Date.UTC(2015, 0, 1);
  for (let i = 0; i < rows; i++)
    parts.push(`${new Date(t0 + i * 60_000).toISOString()},100.5,101.25,99.75,100.125,${i}`);
  return bytesOf(parts.join('\n'));
}

describe('malformed files give a clear error and store nothing', () => {
  const png = new Uint8Array([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
  ]);
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /empty/],
    ['only whitespace', bytesOf('\n\n  \n'), /empty/],
    ['header only', bytesOf('date,open,high,low,close,volume\n'), /no data rows/],
    ['binary (PNG)', png, /not a text file/],
    ['UTF-16', new Uint8Array([0xff, 0xfe, 0x64, 0x00, 0x61, 0x00]), /UTF-16/],
    [
      'wrong columns',
      bytesOf('name,age,city\nbob,3,paris\n'),
      /missing required columns: date\/time, open, high, low, close/,
    ],
    ['no header row', bytesOf('2020-01-01,1,2,0.5,1.5,10\n2020-01-02,1,2,0.5,1.5,10\n'), /no header row/],
    [
      'every row invalid',
      bytesOf('date,open,high,low,close,volume\nx,1,2,3,4,5\n2020-01-01,5,1,1,1,1\n'),
      /No valid rows: 2 rejected/,
    ],
    [
      'one 5 MB line',
      bytesOf('date,open,high,low,close,volume\n' + 'a'.repeat(5_000_000)),
      /line is longer than 64 KB/,
    ],
  ];
  it.each(cases)('%s', async (_name, bytes, message) => {
    const c = await core();
    const r = await c.invoke('data.importBytes', {
      filename: 'bad.csv',
      bytes,
      symbol: 'BAD',
      timeframe: '1d',
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('VALIDATION');
      expect(r.error.message).toMatch(message);
    }
    expectNothingStored(c);
    expect(await lastHistory(c)).toMatchObject({ status: 'failed', errorCode: 'VALIDATION' });
  });

  it('random bytes never store anything unless they parse (property, 100 runs)', async () => {
    const c = await core();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 2000 }), async (bytes) => {
        const r = await c.invoke('data.importBytes', {
          filename: 'r.csv',
          bytes,
          symbol: 'R',
          timeframe: '1d',
        });
        if (!r.ok) {
          expect(['VALIDATION']).toContain(r.error.code);
          expectNothingStored(c);
        } else {
          await c.invoke('storage.deleteFile', { fileId: (r.data as { fileId: string }).fileId });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('1 GB of one line: refused after the first 64 KB, with bounded memory, nothing stored', async () => {
    // Written stream-wise so the test itself never holds 1 GB either.
    const dir = tempDir('qd-huge-');
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'huge.csv');
    const fd = openSync(file, 'w');
    const block = Buffer.alloc(8 * 1024 * 1024, 'x');
    for (let written = 0; written < 1024 ** 3; written += block.length) writeSync(fd, block);
    closeSync(fd);

    // With the default quota the size alone refuses it, before a byte is read.
    const small = await core({ dialog: { openFile: async () => file } });
    const q = await small.invoke('data.importFromDialog', { symbol: 'HUGE', timeframe: '1d' });
    expect(q).toMatchObject({ ok: false, error: { code: 'QUOTA_EXCEEDED' } });
    expectNothingStored(small);

    // With room in the quota the parser must still bound its memory.
    const c = await core({
      dialog: { openFile: async () => file },
      quota: { userBytes: 2 * 1024 ** 3, globalBytes: 4 * 1024 ** 3 },
    });
    const before = process.memoryUsage();
    let maxDone = 0;
    c.on('job.progress', (e) => (maxDone = Math.max(maxDone, e.done)));
    const r = await c.invoke('data.importFromDialog', { symbol: 'HUGE', timeframe: '1d' });
    const after = process.memoryUsage();
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (!r.ok) expect(r.error.message).toMatch(/line is longer than 64 KB/);
    expect(maxDone).toBeLessThan(8 * 1024 * 1024); // stopped within the first chunks
    expect(after.rss - before.rss).toBeLessThan(200 * 1024 * 1024);
    expectNothingStored(c);
  });
});

describe('quota through the core', () => {
  it('refuses the import that would pass the file limit and keeps the history honest', async () => {
    const c = await core({ quota: { userFiles: 2 } });
    const csv = bytesOf(toCsv(dailyBars(10)));
    for (const s of ['A', 'B'])
      expect((await c.invoke('data.importBytes', { filename: `${s}.csv`, bytes: csv })).ok).toBe(true);
    const r = await c.invoke('data.importBytes', { filename: 'C.csv', bytes: csv });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'QUOTA_EXCEEDED', details: { fileCount: 2, maxFiles: 2 } },
    });
    expect(await lastHistory(c)).toMatchObject({ status: 'failed', errorCode: 'QUOTA_EXCEEDED' });
    expect(c.data.files.listStored()).toHaveLength(2);
    const usage = await c.invoke('storage.usage');
    expect(usage).toMatchObject({
      ok: true,
      data: { usedBytes: 2 * csv.byteLength, fileCount: 2, quotaFiles: 2 },
    });
  });

  it('many concurrent imports near the limit never end above it', async () => {
    const csv = bytesOf(toCsv(dailyBars(300)));
    const limit = csv.byteLength * 7 + csv.byteLength / 2;
    const c = await core({ quota: { userBytes: limit, userFiles: 50 } });
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        c.invoke('data.importBytes', { filename: `c${i}.csv`, bytes: csv, symbol: `C${i}`, timeframe: '1d' }),
      ),
    );
    const ok = results.filter((r) => r.ok).length;
    expect(ok).toBe(7);
    for (const r of results) if (!r.ok) expect(r.error.code).toBe('QUOTA_EXCEEDED');
    const u = c.data.quota.usage(c.localUserId);
    expect(u.usedBytes).toBe(7 * csv.byteLength);
    expect(u.usedBytes).toBeLessThanOrEqual(limit);
    expect(c.data.files.listStored()).toHaveLength(7);
    expect(readdirSync(c.data.files.tempDir)).toEqual([]);
  });

  it('refuses with UNAVAILABLE when the disk is too full, leaving nothing', async () => {
    const c = await core({ freeDiskBytes: async () => 10 * 1024 * 1024 });
    const r = await c.invoke('data.importBytes', { filename: 'f.csv', bytes: bytesOf(toCsv(dailyBars(10))) });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    if (!r.ok) expect(r.error.message).toMatch(/Not enough free disk space/);
    expectNothingStored(c);
  });
});

describe('progress and cancel', () => {
  it('reports progress and a cancelled import leaves no bars, no file and no quota', async () => {
    const c = await core();
    const bytes = bigCsv(400_000); // ~25 MB: many 1 MB chunks
    const importId = randomUUID();
    const phases: string[] = [];
    let cancelSent = false;
    c.on('job.progress', (e) => {
      expect(e.jobId).toBe(importId);
      phases.push(e.phase);
      if (e.phase === 'reading' && !cancelSent) {
        cancelSent = true;
        void c.invoke('data.cancelImport', { importId });
      }
    });
    const r = await c.invoke('data.importBytes', {
      filename: 'big.csv',
      bytes,
      symbol: 'BIG',
      timeframe: '1m',
      importId,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(phases[0]).toBe('checking');
    expect(phases).toContain('reading');
    expect(phases.at(-1)).toBe('cancelled');
    expectNothingStored(c);
    expect(await lastHistory(c)).toMatchObject({ status: 'cancelled', errorCode: 'CANCELLED' });
    // The id cannot be reused, and cancelling a finished import says so.
    expect(await c.invoke('data.cancelImport', { importId })).toMatchObject({
      ok: true,
      data: { cancelled: false },
    });
  });

  it('a cancel that arrives before its import starts still cancels it', async () => {
    const c = await core();
    const importId = randomUUID();
    expect(await c.invoke('data.cancelImport', { importId })).toMatchObject({
      ok: true,
      data: { cancelled: true },
    });
    const r = await c.invoke('data.importBytes', {
      filename: 'x.csv',
      bytes: bytesOf(toCsv(dailyBars(5))),
      importId,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expectNothingStored(c);
  });
});
