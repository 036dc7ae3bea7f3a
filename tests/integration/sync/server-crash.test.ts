/**
 * The server process is SIGKILLed while a device pushes, then restarted on the same SQLite file.
 * The device retries; afterwards the server holds every message exactly once, its counters agree
 * with its rows, and a second device receives everything.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSyncServer, type ServerProcess } from '../../helpers/sync-server.js';
import { call, notes, syncCore, type SyncCore } from '../../helpers/sync-cores.js';
import { tempDir } from '../../helpers/temp-core.js';

const dir = tempDir('qd-sync-crash-');
const cores: SyncCore[] = [];
let proc: ServerProcess | null = null;
afterAll(async () => {
  for (const c of cores) await c.cleanup();
  await proc?.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('server killed mid-sync', () => {
  it('loses nothing and applies nothing twice', async () => {
    const sqliteFile = path.join(dir, 'server.db');
    const env = { SQLITE_FILE: sqliteFile, RATE_SYNC_BURST: '100000', RATE_AUTH_BURST: '1000' };
    proc = await spawnSyncServer(env);
    const port = proc.port;

    // Kill the server right after the n-th sync request leaves the device, before it answers.
    let syncRequests = 0;
    const killAt = new Set([2, 5]);
    const crashingFetch = async (url: string, init: RequestInit): Promise<Response> => {
      if (!url.endsWith('/sync')) return fetch(url, init);
      syncRequests++;
      const pending = fetch(url, init);
      if (killAt.has(syncRequests)) {
        // Let the body reach the server so it is mid-request, then kill it hard.
        await new Promise((r) => setImmediate(r));
        proc!.child.kill('SIGKILL');
      }
      return pending;
    };

    const a = await syncCore({ sync: { fetch: crashingFetch } });
    cores.push(a);
    const creds = {
      serverUrl: proc.url,
      email: `${randomUUID()}@example.test`,
      password: 'correct horse battery',
      passphrase: 'staple of secrets',
    };
    await call(a.core, 'sync.configure', { ...creds, action: 'register' });
    const code = 'x'.repeat(800);
    for (let i = 0; i < 2500; i++)
      a.core.sync.log.write('test_notes', randomUUID(), { name: `n${i}`, code: `${i}${code}` });
    const total = a.core.sync.log.pendingCount();
    expect(total).toBeGreaterThanOrEqual(5000);

    let crashes = 0;
    for (let attempt = 0; attempt < 10; attempt++) {
      const r = await a.core.invoke('sync.now');
      if (r.ok) break;
      expect(r.error.code).toBe('UNAVAILABLE');
      crashes++;
      await proc.stop('SIGKILL');
      proc = await spawnSyncServer(env, port);
    }
    expect(crashes).toBe(2);
    expect(a.core.sync.log.pendingCount()).toBe(0);

    const db = new Database(sqliteFile, { readonly: true });
    const rows = db
      .prepare('select count(*) as n, count(distinct ts) as d, max(seq) as maxSeq from messages')
      .get() as { n: number; d: number; maxSeq: number };
    const acct = db.prepare('select used_messages, used_bytes, next_seq from accounts').get() as {
      used_messages: number;
      used_bytes: number;
      next_seq: number;
    };
    const bytes = (
      db
        .prepare('select sum(length(ts) + length(data) + coalesce(length(key_id), 0)) as b from messages')
        .get() as { b: number }
    ).b;
    db.close();
    const localCount = (
      a.core.db.$client.prepare('select count(*) as n from sync_messages').get() as { n: number }
    ).n;
    expect(rows.n).toBe(localCount);
    expect(rows.d).toBe(rows.n);
    expect(acct.used_messages).toBe(rows.n);
    expect(acct.used_bytes).toBe(bytes);
    expect(acct.next_seq).toBe(rows.maxSeq + 1);

    const b = await syncCore();
    cores.push(b);
    await call(b.core, 'sync.configure', creds);
    expect(notes(b.core)).toEqual(notes(a.core));
    expect(notes(b.core)).toHaveLength(2500);
  });
});
