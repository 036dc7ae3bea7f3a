/**
 * Two server processes on one PostgreSQL and one Redis: devices talking to either converge, and
 * an account's rate limit is one budget across both processes.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startPostgres, type PgCluster } from '../../helpers/postgres.js';
import { startRedis, type RedisServer } from '../../helpers/redis.js';
import { spawnSyncServer, type ServerProcess } from '../../helpers/sync-server.js';
import { call, notes, syncCore, type SyncCore } from '../../helpers/sync-cores.js';

let pgc: PgCluster | null = null;
let redis: RedisServer | null = null;
let skip: string | null = null;
const servers: ServerProcess[] = [];
const cores: SyncCore[] = [];

beforeAll(async () => {
  const p = await startPostgres();
  const r = await startRedis();
  if ('skip' in p) skip = p.skip;
  else pgc = p;
  if ('skip' in r) skip = r.skip;
  else redis = r;
  if (skip) {
    console.warn(`SKIPPED two-servers-postgres: ${skip}`);
    return;
  }
  const env = {
    DATABASE_URL: pgc!.url,
    REDIS_URL: redis!.url,
    RATE_SYNC_BURST: '12',
    RATE_SYNC_PERIOD_MS: '3600000',
    RATE_AUTH_BURST: '1000',
  };
  servers.push(await spawnSyncServer(env), await spawnSyncServer(env));
});

afterAll(async () => {
  for (const c of cores) await c.cleanup();
  for (const s of servers) await s.stop();
  await pgc?.stop();
  await redis?.stop();
});

describe('two server processes, one PostgreSQL, one Redis', () => {
  it('clients on either server converge, and the data in PostgreSQL is ciphertext', async (ctx) => {
    if (skip) return ctx.skip();
    const [s1, s2] = servers as [ServerProcess, ServerProcess];
    const creds = {
      email: `${randomUUID()}@example.test`,
      password: 'correct horse battery',
      passphrase: 'staple of secrets',
    };
    const a = await syncCore();
    const b = await syncCore();
    cores.push(a, b);
    await call(a.core, 'sync.configure', { ...creds, serverUrl: s1.url, action: 'register' });
    await call(b.core, 'sync.configure', { ...creds, serverUrl: s2.url });
    const secret = `strategy-body-${randomUUID()}`;
    const id = randomUUID();
    a.core.sync.log.write('test_notes', id, { name: 'on s1', code: secret });
    await call(b.core, 'user.updatePreferences', { theme: 'dark' });
    await call(a.core, 'sync.now');
    await call(b.core, 'sync.now');
    await call(a.core, 'sync.now');
    expect(notes(b.core)).toEqual(notes(a.core));
    expect(notes(b.core)[0]).toMatchObject({ code: secret });
    expect(await call(a.core, 'user.getPreferences')).toMatchObject({ theme: 'dark' });

    const client = new pg.Client({ connectionString: pgc!.url });
    await client.connect();
    const dump = await client.query<{ t: string }>(
      "select string_agg(data, '') || string_agg(ts, '') as t from messages",
    );
    await client.end();
    expect(dump.rows[0]!.t.length).toBeGreaterThan(0);
    expect(dump.rows[0]!.t).not.toContain(secret);
    expect(dump.rows[0]!.t).not.toContain(Buffer.from(secret).toString('base64').slice(0, 20));
  });

  it('an account gets one rate-limit budget across both processes', async (ctx) => {
    if (skip) return ctx.skip();
    const [s1, s2] = servers as [ServerProcess, ServerProcess];
    const reg = await fetch(`${s1.url}/v1/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${randomUUID()}@example.test`, password: 'correct horse battery' }),
    });
    const { accountId, token } = (await reg.json()) as { accountId: string; token: string };
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 20; i++) {
      const s = i % 2 === 0 ? s1 : s2;
      const r = await fetch(`${s.url}/v1/accounts/${accountId}/merkle`, {
        headers: { authorization: `Bearer ${token}` },
      });
      statuses.push(r.status);
      if (r.status === 429) retryAfter ??= r.headers.get('retry-after');
      await r.arrayBuffer();
    }
    // Burst 12 per hour for the whole account, whichever process answers.
    expect(statuses.filter((s) => s === 200)).toHaveLength(12);
    expect(statuses.filter((s) => s === 429)).toHaveLength(8);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const health = await (await fetch(`${s2.url}/health`)).json();
    expect(health).toMatchObject({ ok: true, storage: 'postgres', rateLimits: 'redis' });
  });
});
