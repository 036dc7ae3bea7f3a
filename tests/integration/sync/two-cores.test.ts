/**
 * Two app cores on two data dirs and one real server (Fastify + SQLite on a loopback port):
 * changes travel, offline edits converge by the documented rule, a delete wins over older edits.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncServer, type TestServer } from '../../helpers/sync-server.js';
import { call, notes, syncCore, type SyncCore } from '../../helpers/sync-cores.js';
import { tempDir } from '../../helpers/temp-core.js';

let server: TestServer;
let serverDir: string;
const cores: SyncCore[] = [];

beforeAll(async () => {
  serverDir = tempDir('qd-sync-srv-');
  server = await startSyncServer({ sqliteFile: path.join(serverDir, 'server.db') });
});
afterAll(async () => {
  for (const c of cores) await c.cleanup();
  await server.close();
  rmSync(serverDir, { recursive: true, force: true });
});

/** Two devices of one freshly registered account, both signed in with the same passphrase. */
async function pair(): Promise<[SyncCore, SyncCore]> {
  const email = `${randomUUID()}@example.test`;
  const a = await syncCore();
  const b = await syncCore();
  cores.push(a, b);
  const creds = {
    serverUrl: server.url,
    email,
    password: 'correct horse battery',
    passphrase: 'staple of secrets',
  };
  const sa = await call(a.core, 'sync.configure', { ...creds, action: 'register' });
  expect(sa).toMatchObject({ configured: true, encrypted: true, state: 'idle', error: null });
  const sb = await call(b.core, 'sync.configure', creds);
  expect(sb).toMatchObject({ configured: true, state: 'idle' });
  return [a, b];
}

describe('sync between two cores through one server', () => {
  it("carries A's preferences, mode and a new row to B", async () => {
    const [a, b] = await pair();
    await call(a.core, 'user.updatePreferences', { theme: 'dark', defaultCommissionPct: 0.3 });
    await call(a.core, 'user.setMode', { mode: 'expert' });
    const id = randomUUID();
    a.core.sync.log.write('test_notes', id, { name: 'Mean reversion', code: 'export default () => 1;' });
    expect((await call(a.core, 'sync.status')).pending).toBeGreaterThan(0);

    const events: unknown[] = [];
    b.core.on('preferences.changed', (p) => events.push(p));
    await call(a.core, 'sync.now');
    await call(b.core, 'sync.now');

    expect(await call(b.core, 'user.getPreferences')).toMatchObject({
      theme: 'dark',
      defaultCommissionPct: 0.3,
    });
    expect(await call(b.core, 'user.getMode')).toEqual({ mode: 'expert' });
    expect(notes(b.core)).toEqual([
      { id, name: 'Mean reversion', code: 'export default () => 1;', deleted_at: null },
    ]);
    expect(events.length).toBeGreaterThan(0);
    const sa = await call(a.core, 'sync.status');
    expect(sa).toMatchObject({ pending: 0, state: 'idle' });
    expect(sa.quota!.usedMessages).toBeGreaterThan(0);
    expect(sa.lastSyncAt).not.toBeNull();
  });

  it('offline edits on both converge to the later edit per field', async () => {
    const [a, b] = await pair();
    const id = randomUUID();
    a.core.sync.log.write('test_notes', id, { name: 'v0', code: 'c0' });
    await call(a.core, 'sync.now');
    await call(b.core, 'sync.now');
    expect(notes(b.core)[0]!.name).toBe('v0');

    // Offline: both edit; A's name edit is older than B's, A's code edit is newer than B's.
    a.core.sync.log.write('test_notes', id, { name: 'A-name' });
    await new Promise((r) => setTimeout(r, 5));
    b.core.sync.log.write('test_notes', id, { name: 'B-name', code: 'B-code' });
    await new Promise((r) => setTimeout(r, 5));
    a.core.sync.log.write('test_notes', id, { code: 'A-code' });
    await call(a.core, 'user.updatePreferences', { theme: 'light' });
    await new Promise((r) => setTimeout(r, 5));
    await call(b.core, 'user.updatePreferences', { theme: 'dark' });

    await call(b.core, 'sync.now');
    await call(a.core, 'sync.now');
    await call(b.core, 'sync.now');
    expect(notes(a.core)).toEqual(notes(b.core));
    expect(notes(a.core)[0]).toMatchObject({ name: 'B-name', code: 'A-code' });
    expect(await call(a.core, 'user.getPreferences')).toMatchObject({ theme: 'dark' });
    expect(await call(b.core, 'user.getPreferences')).toMatchObject({ theme: 'dark' });
  });

  it('a delete on one wins over an older edit on the other', async () => {
    const [a, b] = await pair();
    const id = randomUUID();
    a.core.sync.log.write('test_notes', id, { name: 'doomed', code: 'x' });
    await call(a.core, 'sync.now');
    await call(b.core, 'sync.now');
    b.core.sync.log.write('test_notes', id, { name: 'edited offline, earlier' });
    await new Promise((r) => setTimeout(r, 5));
    a.core.sync.log.remove('test_notes', id);
    await call(a.core, 'sync.now');
    await call(b.core, 'sync.now');
    await call(a.core, 'sync.now');
    const [ra] = notes(a.core);
    const [rb] = notes(b.core);
    expect(ra).toEqual(rb);
    expect(ra!.deleted_at).not.toBeNull();
  });

  it('keeps the outbox across a restart and stores only ciphertext on the server', async () => {
    const email = `${randomUUID()}@example.test`;
    const dataDir = tempDir();
    const first = await syncCore({ dataDir });
    const creds = {
      serverUrl: server.url,
      email,
      password: 'correct horse battery',
      passphrase: 'staple of secrets',
    };
    await call(first.core, 'sync.configure', { ...creds, action: 'register' });
    const id = randomUUID();
    const secretCode = `// edge-${randomUUID()}\nexport default function onBar(bar) { return bar.close > 42; }`;
    first.core.sync.log.write('test_notes', id, { name: 'My edge', code: secretCode });
    await first.core.close();

    // Same data dir, same keychain: the pending change is still there and goes out.
    const again = await syncCore({ dataDir, secrets: first.secrets });
    cores.push(again);
    expect((await call(again.core, 'sync.status')).pending).toBeGreaterThan(0);
    await call(again.core, 'sync.now');
    expect((await call(again.core, 'sync.status')).pending).toBe(0);

    const b = await syncCore();
    cores.push(b);
    await call(b.core, 'sync.configure', creds);
    expect(notes(b.core)[0]).toMatchObject({ id, code: secretCode });

    // Neither the code, nor a fragment of it, nor the table name is readable on the server.
    const raw = ['server.db', 'server.db-wal']
      .map((f) => {
        try {
          return readFileSync(path.join(serverDir, f)).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');
    expect(raw.length).toBeGreaterThan(0);
    expect(raw).not.toContain('onBar');
    expect(raw).not.toContain(secretCode.slice(3, 30));
    expect(raw).not.toContain('test_notes');
    // Nor does the device keep its token or key in SQLite.
    const token = (await first.secrets.get('sync:token'))!;
    const dump = JSON.stringify(again.core.db.$client.prepare('select * from sync_state').all());
    expect(dump).not.toContain(token);
    expect(dump).not.toContain((await first.secrets.get('sync:key'))!);
  });

  it('refuses a wrong passphrase on the second device', async () => {
    const email = `${randomUUID()}@example.test`;
    const a = await syncCore();
    const b = await syncCore();
    cores.push(a, b);
    const creds = { serverUrl: server.url, email, password: 'correct horse battery' };
    await call(a.core, 'sync.configure', { ...creds, action: 'register', passphrase: 'the right one' });
    const r = await b.core.invoke('sync.configure', { ...creds, passphrase: 'the wrong one' });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: { reason: 'WRONG_PASSPHRASE' } },
    });
    expect(b.secrets.names()).toEqual([]);
  });
});
