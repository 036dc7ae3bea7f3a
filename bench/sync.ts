/**
 * bench/sync: (1) time for 10,000 changes to go from device A through the server to device B,
 * with the server on SQLite and on PostgreSQL; (2) server throughput in messages/s with 50
 * concurrent clients pushing (each its own account, 100-message batches, pre-sealed payloads so
 * the figure is the server's). Run: node --import tsx bench/sync.ts
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { buildServer } from '../server/app.js';
import { configFromEnv, type ServerConfig } from '../server/config.js';
import { MemoryBucketLimiter } from '../server/limiter/memory-bucket.js';
import { PgStore } from '../server/store/pg-store.js';
import { SqliteStore } from '../server/store/sqlite-store.js';
import type { ServerStore } from '../server/store/types.js';
import { createCore, type Core } from '../src-main/core.js';
import { silentLogger } from '../src-main/logger.js';
import { createCodec } from '../src-main/sync/codec.js';
import { keyIdOf } from '../src-main/sync/crypto.js';
import { formatTimestamp } from '../src-main/sync/hlc.js';
import type { SyncedTable } from '../src-main/sync/registry.js';
import { InMemorySecretStoreForTests } from '../src-main/sync/secret-store.js';
import { startPostgres } from '../tests/helpers/postgres.js';

const CHANGES = 10_000;
const CLIENTS = 50;
const PER_CLIENT = 2_000;
const BATCH = 100;

const table: SyncedTable = {
  name: 'bench_notes',
  primaryKey: 'id',
  userColumn: 'user_id',
  createdAtColumn: 'created_at',
  updatedAtColumn: 'updated_at',
  columns: {
    name: { schema: z.string() },
    code: { schema: z.string() },
    deleted_at: { schema: z.number().nullable(), default: null },
  },
};
const DDL = `create table bench_notes (id text primary key, user_id text not null, name text not null, code text not null,
  created_at integer not null, updated_at integer not null, deleted_at integer)`;

function config(storage: { sqliteFile: string } | { databaseUrl: string }): ServerConfig {
  const base = configFromEnv({});
  return {
    ...base,
    sqliteFile: 'sqliteFile' in storage ? storage.sqliteFile : base.sqliteFile,
    databaseUrl: 'databaseUrl' in storage ? storage.databaseUrl : undefined,
    logLevel: 'silent',
    quota: { maxBytes: 10 * 1024 ** 3, maxMessages: 100_000_000 },
    rate: { ...base.rate, syncCapacity: 1e9, authCapacity: 1e9 },
  };
}

async function serve(store: ServerStore, cfg: ServerConfig) {
  await store.init();
  const app = await buildServer({ config: cfg, store, limiter: new MemoryBucketLimiter(), logger: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { url, close: async () => (await app.close(), await store.close()) };
}

async function device(dir: string): Promise<Core> {
  const core = await createCore({
    dataDir: dir,
    logger: silentLogger(),
    sync: {
      secretStore: new InMemorySecretStoreForTests(),
      intervalMs: 0,
      tables: [table],
      kdf: { N: 2 ** 14, r: 8, p: 1 },
      rate: { capacity: 1e9, periodMs: 1000 },
    },
  });
  core.db.$client.exec(DDL);
  return core;
}

async function expectOk(p: Promise<{ ok: boolean; error?: { message: string } }>): Promise<void> {
  const r = await p;
  if (!r.ok) throw new Error(r.error?.message);
}

async function endToEnd(store: ServerStore, cfg: ServerConfig) {
  const srv = await serve(store, cfg);
  const dir = mkdtempSync(path.join(tmpdir(), 'qd-bench-sync-'));
  const a = await device(path.join(dir, 'a'));
  const b = await device(path.join(dir, 'b'));
  const creds = {
    serverUrl: srv.url,
    email: `${randomUUID()}@bench.test`,
    password: 'bench password',
    passphrase: 'bench passphrase',
  };
  await expectOk(a.invoke('sync.configure', { ...creds, action: 'register' }));
  await expectOk(b.invoke('sync.configure', creds));

  const code = 'export default function onBar(bar) { return bar.close > bar.open; }\n'.repeat(3);
  const t0 = performance.now();
  for (let i = 0; i < CHANGES / 2; i++)
    a.sync.log.write('bench_notes', randomUUID(), { name: `strategy ${i}`, code });
  const t1 = performance.now();
  await expectOk(a.invoke('sync.now'));
  const t2 = performance.now();
  await expectOk(b.invoke('sync.now'));
  const t3 = performance.now();
  const got = (b.db.$client.prepare('select count(*) as n from bench_notes').get() as { n: number }).n;
  if (got !== CHANGES / 2) throw new Error(`B has ${got} rows, expected ${CHANGES / 2}`);
  await a.close();
  await b.close();
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    changes: CHANGES,
    rows: CHANGES / 2,
    localWritesMs: Math.round(t1 - t0),
    pushAtoServerMs: Math.round(t2 - t1),
    pullServerToBMs: Math.round(t3 - t2),
    totalAtoBMs: Math.round(t3 - t1),
  };
}

async function throughput(store: ServerStore, cfg: ServerConfig) {
  const srv = await serve(store, cfg);
  const key = randomBytes(32);
  const codec = createCodec(key, keyIdOf(key));
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const r = await fetch(`${srv.url}/v1/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${randomUUID()}@bench.test`, password: 'bench password' }),
      });
      const auth = (await r.json()) as { accountId: string; token: string };
      const node = randomBytes(8).toString('hex');
      const base = Date.now() - 3_600_000;
      const bodies: string[] = [];
      let cursor = '0';
      for (let i = 0; i < PER_CLIENT; i += BATCH) {
        const messages = Array.from({ length: BATCH }, (_, j) => {
          const ts = formatTimestamp({ millis: base + i + j, counter: 0, node });
          return codec.encode(ts, { t: 'strategies', r: randomUUID(), c: 'code', v: 'x'.repeat(200) });
        });
        bodies.push(JSON.stringify({ protocol: 1, deviceId: node, since: cursor, messages }));
        cursor = '0';
      }
      return { auth, bodies };
    }),
  );
  const t0 = performance.now();
  await Promise.all(
    clients.map(async ({ auth, bodies }) => {
      for (const body of bodies) {
        const r = await fetch(`${srv.url}/v1/accounts/${auth.accountId}/sync`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${auth.token}` },
          body,
        });
        if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
        await r.arrayBuffer();
      }
    }),
  );
  const ms = performance.now() - t0;
  await srv.close();
  return {
    clients: CLIENTS,
    messages: CLIENTS * PER_CLIENT,
    batch: BATCH,
    ms: Math.round(ms),
    messagesPerSecond: Math.round((CLIENTS * PER_CLIENT) / (ms / 1000)),
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'qd-bench-srv-'));
const result: Record<string, unknown> = { node: process.version };
result.sqlite = {
  endToEnd: await endToEnd(new SqliteStore(path.join(dir, 'e2e.db')), config({ sqliteFile: '' })),
  throughput: await throughput(new SqliteStore(path.join(dir, 'tp.db')), config({ sqliteFile: '' })),
};
const pgc = await startPostgres();
if ('skip' in pgc) result.postgres = { skipped: pgc.skip };
else {
  try {
    const cfg = config({ databaseUrl: pgc.url });
    result.postgres = {
      endToEnd: await endToEnd(new PgStore(pgc.url), cfg),
      throughput: await throughput(new PgStore(pgc.url, 50), cfg),
    };
  } finally {
    await pgc.stop();
  }
}
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(result, null, 2));
