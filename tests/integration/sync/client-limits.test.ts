/**
 * How the client behaves when the server pushes back: 429 + Retry-After is honoured (no request
 * until it passes), 413 stops pushing with the server's quota sentence, and a clock that is off
 * is reported instead of silently used.
 */
import { keychainUnavailable } from '../../../src-main/secrets/unavailable.js';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncServer, type TestServer } from '../../helpers/sync-server.js';
import { call, notes, syncCore, type SyncCore } from '../../helpers/sync-cores.js';
import { tempDir } from '../../helpers/temp-core.js';

let dir: string;
const servers: TestServer[] = [];
const cores: SyncCore[] = [];
beforeAll(() => {
  dir = tempDir('qd-sync-limits-');
});
afterAll(async () => {
  for (const c of cores) await c.cleanup();
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function server(
  patch: Parameters<typeof startSyncServer>[0] extends infer P ? Partial<P & object> : never,
) {
  const s = await startSyncServer({ sqliteFile: path.join(dir, `${randomUUID()}.db`), ...patch });
  servers.push(s);
  return s;
}

const creds = (url: string) => ({
  serverUrl: url,
  email: `${randomUUID()}@example.test`,
  password: 'correct horse battery',
  passphrase: 'staple of secrets',
});

describe('client under server limits', () => {
  it('honours 429 + Retry-After: refuses to call again before it passes', async () => {
    const s = await server({ rate: { syncCapacity: 3, syncPeriodMs: 60_000 } });
    let requests = 0;
    const counting = (url: string, init: RequestInit) => {
      requests++;
      return fetch(url, init);
    };
    const a = await syncCore({ sync: { fetch: counting } });
    cores.push(a);
    // configure spends the burst of 3: read key, publish key, first sync.
    await call(a.core, 'sync.configure', { ...creds(s.url), action: 'register' });
    const limited = await a.core.invoke('sync.now');
    expect(limited).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    const retryAfterMs = limited.ok ? 0 : Number(limited.error.details?.retryAfterMs);
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(60_000);
    const before = requests;
    expect(await a.core.invoke('sync.now')).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(requests).toBe(before);
    const st = await call(a.core, 'sync.status');
    expect(st.error).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('stops on 413 with the quota figures and keeps the changes pending', async () => {
    const s = await server({ quota: { maxMessages: 30 } });
    const a = await syncCore();
    cores.push(a);
    await call(a.core, 'sync.configure', { ...creds(s.url), action: 'register' });
    for (let i = 0; i < 20; i++)
      a.core.sync.log.write('test_notes', randomUUID(), { name: `n${i}`, code: 'x' });
    const r = await a.core.invoke('sync.now');
    expect(r).toMatchObject({ ok: false, error: { code: 'QUOTA_EXCEEDED', details: { limitMessages: 30 } } });
    if (!r.ok) expect(r.error.message).toMatch(/of 30 changes are used/);
    const st = await call(a.core, 'sync.status');
    expect(st).toMatchObject({ state: 'stopped', error: { code: 'QUOTA_EXCEEDED' } });
    expect(st.pending).toBe(40);
    expect(notes(a.core)).toHaveLength(20);
  });

  it('reports a clock that is far off from the server instead of syncing with it', async () => {
    const s = await server({});
    const skewed = await syncCore({ sync: { clock: () => Date.now() + 20 * 60_000 } });
    cores.push(skewed);
    const st = await call(skewed.core, 'sync.configure', { ...creds(s.url), action: 'register' });
    expect(st).toMatchObject({ state: 'stopped', error: { reason: 'CLOCK_DRIFT' } });
    expect(st.error!.message).toMatch(/ahead of the sync server/);
  });

  it('without a keychain, sync cannot be set up and says why', async () => {
    const s = await server({});
    // The keychain store as it fails on a machine with no Secret Service.
    const noKeychain = {
      get: () => Promise.reject(keychainUnavailable(process.platform, 'no bus')),
      set: () => Promise.reject(keychainUnavailable(process.platform, 'no bus')),
      delete: () => Promise.reject(keychainUnavailable(process.platform, 'no bus')),
    };
    const a = await syncCore({ sync: { secretStore: noKeychain } });
    cores.push(a);
    const r = await a.core.invoke('sync.configure', { ...creds(s.url), action: 'register' });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.stringMatching(/keychain/i) },
    });
    expect((await a.core.invoke('sync.status')).ok).toBe(true);
  });
});
