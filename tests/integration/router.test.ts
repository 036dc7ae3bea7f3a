import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, contract } from '../../src-preload/contract.js';
import type { Core } from '../../src-main/core.js';
import { tempCore } from '../helpers/temp-core.js';

let core: Core;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ core, cleanup } = await tempCore());
});
afterAll(async () => cleanup());

describe('router', () => {
  it.each(channelNames)('%s rejects malformed input with VALIDATION (property, 100 runs)', async (name) => {
    const schema = contract[name].input;
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue().filter((v) => !schema.safeParse(v).success),
        async (value) => {
          const r = await core.invoke(name, value);
          expect(r.ok).toBe(false);
          if (!r.ok) {
            expect(r.error.code).toBe('VALIDATION');
            expect(Array.isArray(r.error.details?.issues)).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
    // still alive and answering
    expect((await core.invoke('user.getMode')).ok).toBe(true);
  });

  it('refuses calls from frames that are not the app’s own', async () => {
    const r = await core.invoke('user.getMode', {}, { frameUrl: 'https://evil.example/' });
    expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const own = await core.invoke(
      'user.getMode',
      {},
      { frameUrl: 'file:///opt/quantdesk/out/renderer/index.html' },
    );
    expect(own.ok).toBe(true);
  });

  it('answers unknown channels with NOT_FOUND and never leaks a stack', async () => {
    const r = await core.invoke('nope.nothing', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(JSON.stringify(r)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('maps an unexpected handler failure to INTERNAL without a stack trace', async () => {
    // Close the database under the core: the handler throws a raw SQLite error.
    core.db.$client.close();
    const r = await core.invoke('user.getPreferences');
    expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    if (!r.ok) {
      expect(r.error.message).toMatch(/reference/);
      expect(r.error.correlationId).toBeTruthy();
      expect(JSON.stringify(r.error)).not.toMatch(/\n\s+at /);
    }
  });
});
