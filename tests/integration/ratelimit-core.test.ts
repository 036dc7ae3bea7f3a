import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../src-main/core.js';
import { RedisServer, redisUnavailableReason } from '../helpers/redis-server.js';
import { tempCore, tempDir } from '../helpers/temp-core.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const fresh = (): string => {
  const d = tempDir();
  dirs.push(d);
  return d;
};

/** Every byte SQLite holds for this data dir (database, WAL, shared memory). */
const sqliteBytes = (dataDir: string): string =>
  readdirSync(dataDir)
    .filter((f) => f.startsWith('quantdesk.db'))
    .map((f) => readFileSync(path.join(dataDir, f)).toString('latin1'))
    .join('');

describe('rate limiting through the core', () => {
  it('refuses a category over its limit with RATE_LIMITED and retryAfterMs; other categories still answer', async () => {
    const { core, cleanup } = await tempCore({ rateLimits: { default: { limit: 2, periodMs: 60_000 } } });
    try {
      expect((await core.invoke('user.setMode', { mode: 'expert' })).ok).toBe(true);
      expect((await core.invoke('user.setMode', { mode: 'beginner' })).ok).toBe(true);
      const r = await core.invoke('user.setMode', { mode: 'expert' });
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'RATE_LIMITED', details: { category: 'default' } },
      });
      if (!r.ok) {
        const wait = r.error.details?.retryAfterMs as number;
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(60_000);
        expect(r.error.message).toMatch(/Try again in \d+ s/);
      }
      // The refused call did not run, and the interactive category is independent.
      expect(await core.invoke('user.getMode')).toMatchObject({ ok: true, data: { mode: 'beginner' } });
      const status = await core.invoke('ratelimit.status');
      expect(status).toMatchObject({
        ok: true,
        data: { backend: 'memory', categories: { default: { limit: 2, remaining: 0 } } },
      });
    } finally {
      await cleanup();
    }
  });

  it('has the limiter on by default with the product limits', async () => {
    const dataDir = fresh();
    const core = await createCore({ dataDir, checkOutputs: true });
    const r = await core.invoke('ratelimit.status');
    expect(r).toMatchObject({
      ok: true,
      data: {
        backend: 'memory',
        redisUrl: null,
        categories: {
          interactive: { limit: 600, periodMs: 60_000, burst: 100, capacity: 100 },
          default: { limit: 60, periodMs: 60_000, burst: null, remaining: 60 },
          backtest: { limit: 5, periodMs: 60_000 },
          api_key: { limit: 3, periodMs: 3_600_000 },
          anonymous: { limit: 30, periodMs: 60_000 },
        },
      },
    });
    await core.close();
  });

  it('persists ratelimit.configure across a restart, without the Redis password', async () => {
    const dataDir = fresh();
    const a = await createCore({ dataDir, checkOutputs: true });
    const conf = await a.invoke('ratelimit.configure', {
      categories: {
        backtest: { limit: 7, periodMs: 120_000 },
        api_key: { limit: 2, periodMs: 3_600_000, burst: 4 },
      },
      // Port 1 answers nothing: every call must still be answered (fallback).
      redisUrl: 'redis://limiter:S3cretPw@127.0.0.1:1/0',
    });
    expect(conf).toMatchObject({
      ok: true,
      data: {
        redisUrl: 'redis://limiter@127.0.0.1:1/0',
        redisPasswordSet: true,
        passwordPersisted: false,
        backend: 'fallback',
        categories: { backtest: { limit: 7, periodMs: 120_000, remaining: 7 }, api_key: { capacity: 4 } },
      },
    });
    expect(JSON.stringify(conf)).not.toContain('S3cretPw');
    expect((await a.invoke('user.setMode', { mode: 'expert' })).ok).toBe(true);
    await a.close();
    expect(sqliteBytes(dataDir)).not.toContain('S3cretPw');
    expect(readFileSync(path.join(dataDir, 'logs', 'main.log'), 'utf8')).not.toContain('S3cretPw');

    const b = await createCore({ dataDir, checkOutputs: true });
    const status = await b.invoke('ratelimit.status');
    expect(status).toMatchObject({
      ok: true,
      data: {
        redisUrl: 'redis://limiter@127.0.0.1:1/0',
        redisPasswordSet: false,
        backend: 'fallback',
        categories: {
          backtest: { limit: 7, periodMs: 120_000, burst: null },
          api_key: { limit: 2, burst: 4 },
          default: { limit: 60 },
        },
      },
    });
    // null puts a category back to its default and turns Redis off.
    const reset = await b.invoke('ratelimit.configure', { categories: { backtest: null }, redisUrl: null });
    expect(reset).toMatchObject({
      ok: true,
      data: { backend: 'memory', redisUrl: null, categories: { backtest: { limit: 5, periodMs: 60_000 } } },
    });
    await b.close();
    const c = await createCore({ dataDir, checkOutputs: true });
    expect(await c.invoke('ratelimit.status')).toMatchObject({
      ok: true,
      data: {
        backend: 'memory',
        redisUrl: null,
        categories: { backtest: { limit: 5 }, api_key: { limit: 2 } },
      },
    });
    await c.close();
  });

  it('keeps the password in the secret store it is given, and uses it after a restart', async () => {
    const dataDir = fresh();
    let kept: string | undefined;
    const redisPasswordStore = {
      get: async () => kept,
      set: async (pw: string | null) => void (kept = pw ?? undefined),
    };
    const a = await createCore({ dataDir, redisPasswordStore });
    const r = await a.invoke('ratelimit.configure', { redisUrl: 'redis://:pw%40x@127.0.0.1:1' });
    expect(r).toMatchObject({ ok: true, data: { passwordPersisted: true, redisUrl: 'redis://127.0.0.1:1' } });
    expect(kept).toBe('pw@x');
    await a.close();
    const b = await createCore({ dataDir, redisPasswordStore });
    expect(await b.invoke('ratelimit.status')).toMatchObject({ ok: true, data: { redisPasswordSet: true } });
    await b.close();
  });

  it('rejects limits outside the bounds and an empty configure with VALIDATION', async () => {
    const { core, cleanup } = await tempCore();
    try {
      for (const input of [
        {},
        { categories: { backtest: { limit: 0, periodMs: 60_000 } } },
        { categories: { backtest: { limit: 5, periodMs: 10 } } },
        { categories: { nope: { limit: 5, periodMs: 60_000 } } },
        { redisUrl: 'http://127.0.0.1:6379' },
      ]) {
        expect(await core.invoke('ratelimit.configure', input)).toMatchObject({
          ok: false,
          error: { code: 'VALIDATION' },
        });
      }
    } finally {
      await cleanup();
    }
  });

  const noRedis = redisUnavailableReason();
  if (noRedis) console.warn(`Skipping the core-over-Redis test: ${noRedis}`);
  it.skipIf(noRedis !== undefined)(
    'two cores sharing one Redis allow the limit once in total for one user',
    async () => {
      const server = await RedisServer.start();
      const rateLimits = { default: { limit: 3, periodMs: 60_000 } };
      const a = await tempCore({ rateLimits });
      const b = await tempCore({ rateLimits });
      try {
        for (const c of [a.core, b.core]) {
          expect(await c.invoke('ratelimit.configure', { redisUrl: server.url })).toMatchObject({
            ok: true,
            data: { redisUrl: server.url },
          });
          // A first connection slower than 150 ms (a loaded machine) starts in fallback; the probe brings it back.
          const deadline = Date.now() + 20_000;
          for (;;) {
            const s = await c.invoke('ratelimit.status');
            if (s.ok && (s.data as { backend: string }).backend === 'redis') break;
            if (Date.now() > deadline) throw new Error('core never reached Redis');
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        // Both cores act for one account id, as a trader's desk and laptop would.
        const ctx = { userId: 'same-account' };
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            (i % 2 ? a.core : b.core).invoke('user.setMode', { mode: 'expert' }, ctx),
          ),
        );
        // The limiter runs before the handler: a call it let through reaches the handler (which
        // does not know this account: NOT_FOUND); the others are RATE_LIMITED.
        const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
        expect(codes.filter((c) => c !== 'RATE_LIMITED')).toHaveLength(3);
        expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(7);
      } finally {
        await a.cleanup();
        await b.cleanup();
        await server.dispose();
      }
    },
  );
});
