import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../src-main/core.js';
import { keychainUnavailable } from '../../src-main/secrets/unavailable.js';
import type { SecretStore } from '../../src-main/secrets/secret-store.js';
import { MemorySecretStore } from '../helpers/memory-secret-store.js';
import { GENEROUS_RATE_LIMITS, tempDir } from '../helpers/temp-core.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A keychain that is not there: every call fails the way the real store fails. */
const missingKeychain: SecretStore = {
  set: () => Promise.reject(keychainUnavailable(process.platform, 'no bus')),
  get: () => Promise.reject(keychainUnavailable(process.platform, 'no bus')),
  has: () => Promise.reject(keychainUnavailable(process.platform, 'no bus')),
  list: () => Promise.reject(keychainUnavailable(process.platform, 'no bus')),
  delete: () => Promise.reject(keychainUnavailable(process.platform, 'no bus')),
};

describe('the Redis password lives in the secret store, as redis:password', () => {
  it('is kept in the secret store, not in SQLite, and read back after a restart', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const secretStore = new MemorySecretStore();
    const a = await createCore({ dataDir, secretStore, rateLimits: GENEROUS_RATE_LIMITS });
    const r = await a.invoke('ratelimit.configure', { redisUrl: 'redis://:s3cret-pw@127.0.0.1:1' });
    expect(r).toMatchObject({ ok: true, data: { passwordPersisted: true } });
    expect(await secretStore.get('redis:password')).toBe('s3cret-pw');
    await a.close();
    const b = await createCore({ dataDir, secretStore, rateLimits: GENEROUS_RATE_LIMITS });
    expect(await b.invoke('ratelimit.status')).toMatchObject({ ok: true, data: { redisPasswordSet: true } });
    await b.invoke('ratelimit.configure', { redisUrl: null });
    expect(await secretStore.has('redis:password')).toBe(false);
    await b.close();
  });

  it('without a keychain, configure still answers and says the password was not kept', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const core = await createCore({
      dataDir,
      secretStore: missingKeychain,
      rateLimits: GENEROUS_RATE_LIMITS,
    });
    expect(await core.invoke('ratelimit.configure', { redisUrl: 'redis://:pw@127.0.0.1:1' })).toMatchObject({
      ok: true,
      data: { passwordPersisted: false },
    });
    expect(await core.invoke('ratelimit.configure', { redisUrl: null })).toMatchObject({ ok: true });
    expect((await core.invoke('user.getMode')).ok).toBe(true);
    await core.close();
  });
});
