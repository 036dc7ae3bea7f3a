/**
 * Import speed against the sqlite3 shell, and the time to load 1 M bars back.
 *   node --import tsx bench/import.ts [rows]
 * Generates a CSV of `rows` one-minute bars (default 1,000,000), imports it through the core
 * (dialog flow: the same file the shell reads), loads it with `sqlite3 .import` into a plain
 * table, then reads all bars back through `bars.query`. Prints one JSON object.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createCore } from '../src-main/core.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(path.join(tmpdir(), 'qd-bench-import-'));
const csv = path.join(dir, 'bars.csv');

async function writeCsv(): Promise<void> {
  const out = createWriteStream(csv);
  out.write('timestamp,open,high,low,close,volume\n');
  const t0 = Date.UTC(2020, 0, 1);
  let p = 100;
  let buf = '';
  for (let i = 0; i < rows; i++) {
    const o = p;
    p = Math.max(1, p + Math.sin(i * 0.37) * 0.25);
    const hi = Math.max(o, p) + 0.05;
    const lo = Math.min(o, p) - 0.05;
    buf += `${new Date(t0 + i * 60_000).toISOString()},${o.toFixed(4)},${hi.toFixed(4)},${lo.toFixed(4)},${p.toFixed(4)},${1000 + (i % 997)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

try {
  await writeCsv();
  const bytes = statSync(csv).size;

  const core = await createCore({ dataDir: path.join(dir, 'data'), dialog: { openFile: async () => csv } });
  let t = performance.now();
  const r = await core.invoke('data.importFromDialog', { symbol: 'BENCH', timeframe: '1m' });
  const importMs = performance.now() - t;
  if (!r.ok) throw new Error(JSON.stringify(r.error));

  // Cold reads: the cache is dropped before each one, so every read goes to SQLite.
  const datasetId = (r.data as { datasetId: string }).datasetId;
  const cold: number[] = [];
  let count = 0;
  for (let i = 0; i < 7; i++) {
    core.data.query.invalidate(datasetId);
    t = performance.now();
    const q = await core.invoke('bars.query', { symbol: 'BENCH', timeframe: '1m' });
    cold.push(performance.now() - t);
    if (!q.ok) throw new Error(JSON.stringify(q.error));
    count = (q.data as { count: number }).count;
  }
  t = performance.now();
  await core.invoke('bars.query', { symbol: 'BENCH', timeframe: '1m' });
  const warmMs = performance.now() - t;
  t = performance.now();
  await core.invoke('bars.query', { symbol: 'BENCH', timeframe: '1m', maxPoints: 2000 });
  const chartMs = performance.now() - t;
  await core.close();

  // The sqlite3 shell, same file, plain table (the shell creates it from the header).
  const shellDb = path.join(dir, 'shell.db');
  t = performance.now();
  const sh = spawnSync(
    'sqlite3',
    [shellDb, '.mode csv', `.import ${csv} bars`, 'select count(*) from bars;'],
    {
      encoding: 'utf8',
    },
  );
  const shellMs = performance.now() - t;
  if (sh.status !== 0) throw new Error(`sqlite3 failed: ${sh.stderr}`);

  const coreRowsPerSec = Math.round(rows / (importMs / 1000));
  const shellRowsPerSec = Math.round(rows / (shellMs / 1000));
  console.log(
    JSON.stringify(
      {
        bench: 'import',
        rows,
        csvBytes: bytes,
        core: { ms: Math.round(importMs), rowsPerSec: coreRowsPerSec },
        sqlite3Shell: {
          ms: Math.round(shellMs),
          rowsPerSec: shellRowsPerSec,
          rows: Number(sh.stdout.trim()),
        },
        ratioCoreToShell: Math.round((coreRowsPerSec / shellRowsPerSec) * 100) / 100,
        barsQuery: {
          bars: count,
          coldMsMedian: Math.round(median(cold) * 10) / 10,
          coldMsMin: Math.round(Math.min(...cold) * 10) / 10,
          warmCachedMs: Math.round(warmMs * 100) / 100,
          downsampled2000Ms: Math.round(chartMs * 10) / 10,
        },
        node: process.version,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
