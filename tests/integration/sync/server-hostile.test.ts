/**
 * Hostile and broken requests against the real server: each gets a clear 4xx with a JSON reason,
 * nothing is stored, and the server keeps answering.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTimestamp } from '../../../src-main/sync/hlc.js';
import { startSyncServer, type TestServer } from '../../helpers/sync-server.js';
import { tempDir } from '../../helpers/temp-core.js';

let server: TestServer;
let dir: string;

beforeAll(async () => {
  dir = tempDir('qd-sync-hostile-');
  server = await startSyncServer({
    sqliteFile: path.join(dir, 's.db'),
    bodyLimitBytes: 64 * 1024,
    quota: { maxBytes: 20_000, maxMessages: 50 },
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function req(method: string, url: string, body?: unknown, token?: string, raw?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined || raw !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(server.url + url, {
    method,
    headers,
    body: raw ?? (body === undefined ? null : JSON.stringify(body)),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: res.headers,
  };
}

async function account(email: string) {
  const r = await req('POST', '/v1/register', { email, password: 'long enough pw' });
  expect(r.status).toBe(201);
  return r.body as { accountId: string; token: string };
}

const DEVICE = '0123456789abcdef';
const ts = (i: number, millis = Date.now()) => formatTimestamp({ millis, counter: i, node: DEVICE });
const msg = (i: number, data = Buffer.from(`cell ${i}`).toString('base64')) => ({
  ts: ts(i, 1_790_000_000_000),
  keyId: null,
  data,
});
const exchange = (messages: unknown[], since = '0') => ({ protocol: 1, deviceId: DEVICE, since, messages });

async function storedCount(accountId: string): Promise<number> {
  return (await server.store.inAccountTx(accountId, (tx) => tx.after(0, 1e6))).length;
}

describe('hostile requests', () => {
  it('malformed JSON, wrong shapes and oversized bodies get 400 and store nothing', async () => {
    const a = await account('hostile-a@example.test');
    const path = `/v1/accounts/${a.accountId}/sync`;
    const cases = [
      await req('POST', path, undefined, a.token, '{"protocol":1,'),
      await req('POST', path, { protocol: 2, deviceId: DEVICE, since: '0', messages: [] }, a.token),
      await req('POST', path, exchange([{ ts: 'yesterday', keyId: null, data: 'AA==' }]), a.token),
      await req('POST', path, { ...exchange([msg(1)]), extra: true }, a.token),
      await req('POST', path, exchange([msg(1)], '-1'), a.token),
      await req('POST', path, exchange([msg(1, '<not base64>')]), a.token),
      await req(
        'POST',
        path,
        exchange(Array.from({ length: 60 }, (_, i) => msg(i, 'A'.repeat(2000)))),
        a.token,
      ),
      await req('POST', '/v1/register', { email: 'not-an-email', password: 'long enough pw' }),
    ];
    for (const c of cases) {
      expect(c.status).toBe(400);
      expect(typeof c.body.error).toBe('string');
      expect(typeof c.body.message).toBe('string');
    }
    expect(cases[0]!.body.error).toBe('MALFORMED_JSON');
    expect(cases[6]!.body.error).toBe('BODY_TOO_LARGE');
    expect(await storedCount(a.accountId)).toBe(0);
  });

  it('missing, wrong, revoked and foreign tokens get 401/403 and store nothing', async () => {
    const a = await account('hostile-b@example.test');
    const b = await account('hostile-c@example.test');
    const body = exchange([msg(1)]);
    expect((await req('POST', `/v1/accounts/${a.accountId}/sync`, body)).status).toBe(401);
    expect(
      (await req('POST', `/v1/accounts/${a.accountId}/sync`, body, 'qds_forged-token-forged-token')).status,
    ).toBe(401);
    const foreign = await req('POST', `/v1/accounts/${b.accountId}/sync`, body, a.token);
    expect(foreign).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
    expect((await req('GET', `/v1/accounts/${b.accountId}/key`, undefined, a.token)).status).toBe(403);
    expect((await req('GET', `/v1/accounts/${b.accountId}/merkle`, undefined, a.token)).status).toBe(403);
    expect(await storedCount(b.accountId)).toBe(0);

    expect((await req('POST', `/v1/accounts/${a.accountId}/logout`, undefined, a.token)).status).toBe(204);
    expect((await req('POST', `/v1/accounts/${a.accountId}/sync`, body, a.token)).status).toBe(401);
    expect(await storedCount(a.accountId)).toBe(0);
    expect(
      (await req('POST', '/v1/login', { email: 'hostile-b@example.test', password: 'wrong password' }))
        .status,
    ).toBe(401);
  });

  it('a replayed request stores nothing twice; a replay with altered content is refused whole', async () => {
    const a = await account('hostile-d@example.test');
    const path = `/v1/accounts/${a.accountId}/sync`;
    const first = await req('POST', path, exchange([msg(1), msg(2)]), a.token);
    expect(first).toMatchObject({ status: 200, body: { accepted: 2, duplicates: 0 } });
    const replay = await req('POST', path, exchange([msg(1), msg(2)]), a.token);
    expect(replay).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 2 } });
    const altered = await req(
      'POST',
      path,
      exchange([msg(3), msg(1, Buffer.from('forged').toString('base64'))]),
      a.token,
    );
    expect(altered).toMatchObject({ status: 409, body: { error: 'MESSAGE_CONFLICT' } });
    expect(await storedCount(a.accountId)).toBe(2);
  });

  it('refuses timestamps far ahead of the server clock', async () => {
    const a = await account('hostile-e@example.test');
    const ahead = { ts: ts(1, Date.now() + 3_600_000), keyId: null, data: 'AA==' };
    const r = await req('POST', `/v1/accounts/${a.accountId}/sync`, exchange([ahead]), a.token);
    expect(r).toMatchObject({ status: 400, body: { error: 'CLOCK_DRIFT' } });
    expect(await storedCount(a.accountId)).toBe(0);
  });

  it('answers 413 with the figures when the quota would be exceeded, storing none of the batch', async () => {
    const a = await account('hostile-f@example.test');
    const path = `/v1/accounts/${a.accountId}/sync`;
    const ok = await req('POST', path, exchange(Array.from({ length: 40 }, (_, i) => msg(i))), a.token);
    expect(ok.status).toBe(200);
    const over = await req(
      'POST',
      path,
      exchange(Array.from({ length: 20 }, (_, i) => msg(100 + i))),
      a.token,
    );
    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({
      error: 'QUOTA_EXCEEDED',
      usedMessages: 40,
      limitMessages: 50,
      limitBytes: 20_000,
      neededMessages: 20,
    });
    expect(String(over.body.message)).toMatch(/40 of 50/);
    expect(await storedCount(a.accountId)).toBe(40);
    // A pull-only exchange still works on a full account.
    expect((await req('POST', path, exchange([]), a.token)).status).toBe(200);
  });

  it('is still up and healthy afterwards; unknown routes are 404', async () => {
    expect((await req('GET', '/nope')).status).toBe(404);
    expect(await req('GET', '/health')).toMatchObject({ status: 200, body: { ok: true, storage: 'sqlite' } });
  });
});
