/**
 * bench/startup: how long createCore takes to be ready (database open, migrations checked,
 * services built) on an empty data dir and on one holding 1,000,000 audit records.
 * Run: node --import tsx bench/startup.ts
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCore } from '../src-main/core.js';
import { silentLogger } from '../src-main/logger.js';

const RUNS = 15;
const AUDIT_ROWS = 1_000_000;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function timeStartup(dataDir: string): Promise<number> {
  const t0 = performance.now();
  const core = await createCore({ dataDir, logger: silentLogger() });
  const ready = performance.now() - t0;
  await core.close();
  return ready;
}

// Empty data dir: each run gets a brand-new folder, so migrations really run.
const empty: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dir = mkdtempSync(path.join(tmpdir(), 'qd-bench-start-'));
  empty.push(await timeStartup(dir));
  rmSync(dir, { recursive: true, force: true });
}

// A data dir whose audit log already holds a million records.
const bigDir = mkdtempSync(path.join(tmpdir(), 'qd-bench-start-big-'));
const seed = await createCore({ dataDir: bigDir, logger: silentLogger() });
const insert = seed.db.$client.prepare(
  'insert into audit_log (id, ts, user_id, action, correlation_id, outcome, details) values (?, ?, ?, ?, ?, ?, ?)',
);
const t0 = Date.now() - AUDIT_ROWS;
seed.db.$client.transaction(() => {
  for (let i = 0; i < AUDIT_ROWS; i++) {
    insert.run(
      randomUUID(),
      t0 + i,
      seed.localUserId,
      'user.updatePreferences',
      randomUUID(),
      'ok',
      '{"theme":"dark"}',
    );
  }
})();
seed.db.$client.pragma('wal_checkpoint(TRUNCATE)');
await seed.close();
const dbBytes = statSync(path.join(bigDir, 'quantdesk.db')).size;

const big: number[] = [];
for (let i = 0; i < RUNS; i++) big.push(await timeStartup(bigDir));

// The first audit page on that database, as the Dashboard asks for it.
const core = await createCore({ dataDir: bigDir, logger: silentLogger() });
const p0 = performance.now();
const page = await core.invoke('audit.list', { page: 1, pageSize: 50 });
const firstPageMs = performance.now() - p0;
const p1 = performance.now();
await core.invoke('audit.list', { page: 2, pageSize: 50 });
const nextPageMs = performance.now() - p1;
await core.close();
rmSync(bigDir, { recursive: true, force: true });

console.log(
  JSON.stringify(
    {
      bench: 'startup',
      node: process.versions.node,
      runs: RUNS,
      emptyDataDir: { medianMs: +median(empty).toFixed(2), maxMs: +Math.max(...empty).toFixed(2) },
      auditRecords1M: {
        rows: AUDIT_ROWS,
        dbMiB: +(dbBytes / 2 ** 20).toFixed(1),
        medianMs: +median(big).toFixed(2),
        maxMs: +Math.max(...big).toFixed(2),
        firstAuditPageMs: +firstPageMs.toFixed(2),
        nextAuditPageMs: +nextPageMs.toFixed(2),
        firstAuditPageOk: page.ok,
      },
    },
    null,
    2,
  ),
);
