/** Secrets channels on an in-memory store: name rules, no value in any answer or audit row. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../src-main/core.js';
import { SECRET_NAME_PATTERN } from '../../src-preload/contract/secrets.js';
import { MemorySecretStore } from '../helpers/memory-secret-store.js';
import { tempCore } from '../helpers/temp-core.js';

let core: Core;
let cleanup: () => Promise<void>;
const store = new MemorySecretStore();
beforeAll(async () => {
  ({ core, cleanup } = await tempCore({ secretStore: store }));
});
afterAll(async () => cleanup());

const brokerId = fc.stringMatching(/^[a-z0-9-]{1,40}$/);
const validName = fc.oneof(
  fc.tuple(brokerId, fc.constantFrom('apiKey', 'apiSecret')).map(([id, k]) => `broker:${id}:${k}`),
  fc.constantFrom('sync:token', 'sync:key', 'redis:password'),
);

describe('secrets channels', () => {
  it('accepts every name of the fixed pattern (property, 100 runs)', async () => {
    await fc.assert(
      fc.asyncProperty(validName, async (name) => {
        expect(await core.invoke('secrets.has', { name })).toMatchObject({
          ok: true,
          data: { name, set: false },
        });
      }),
      { numRuns: 100 },
    );
  });

  it('rejects any other name with VALIDATION before touching the store (property, 100 runs)', async () => {
    const other = fc.oneof(
      fc.string(),
      fc.string().map((s) => `broker:${s}:apiKey`),
      fc.constantFrom('broker::apiKey', 'Sync:token', 'sync:token ', `broker:${'a'.repeat(41)}:apiKey`),
    );
    await fc.assert(
      fc.asyncProperty(
        other.filter((s) => !SECRET_NAME_PATTERN.test(s)),
        async (name) => {
          const r = await core.invoke('secrets.set', { name, value: 'v' });
          expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
        },
      ),
      { numRuns: 100 },
    );
    expect(await store.list()).toEqual([]);
  });

  it('rejects empty and over-long values', async () => {
    for (const value of ['', 'x'.repeat(1025)]) {
      expect(await core.invoke('secrets.set', { name: 'sync:token', value })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
    }
    expect((await core.invoke('secrets.set', { name: 'sync:token', value: 'x'.repeat(1024) })).ok).toBe(true);
    await core.invoke('secrets.delete', { name: 'sync:token' });
  });

  it('never returns a value, and audits set/rotate/delete without it', async () => {
    const value = 'a-very-recognisable-secret-value';
    const answers = [
      await core.invoke('secrets.set', { name: 'redis:password', value }),
      await core.invoke('secrets.set', { name: 'redis:password', value: `${value}-2` }),
      await core.invoke('secrets.has', { name: 'redis:password' }),
      await core.invoke('secrets.list'),
      await core.invoke('secrets.delete', { name: 'redis:password' }),
    ];
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(JSON.stringify(answers)).not.toContain(value);
    expect(answers[1]).toMatchObject({ data: { rotated: true } });

    const audit = await core.invoke('audit.list', { pageSize: 100 });
    expect(JSON.stringify(audit)).not.toContain(value);
    const items = audit.ok ? (audit.data as { items: { action: string; details: unknown }[] }).items : [];
    expect(
      items
        .filter((i) => i.action.startsWith('secrets.'))
        .slice(0, 3)
        .map((i) => i.details),
    ).toEqual([
      { name: 'redis:password', deleted: true },
      { name: 'redis:password', value: '[redacted]', rotated: true },
      { name: 'redis:password', value: '[redacted]', rotated: false },
    ]);
  });
});
