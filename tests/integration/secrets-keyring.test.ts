/**
 * Secrets against a real Secret Service (gnome-keyring on a private D-Bus), through the router.
 * Skipped, with the reason printed, where dbus-daemon or gnome-keyring-daemon is missing.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { AsyncEntry } from '@napi-rs/keyring';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../src-main/core.js';
import { createLogger } from '../../src-main/logger.js';
import { filesContaining } from '../helpers/scan-bytes.js';
import { startSecretService } from '../helpers/secret-service.js';
import { tempDir } from '../helpers/temp-core.js';

const started = await startSecretService();
if (started.ok) {
  // Before any keyring call in this process: libdbus keeps the first address it sees.
  process.env.DBUS_SESSION_BUS_ADDRESS = started.service.address;
} else {
  console.warn(`[skipped] secrets against a real Secret Service: ${started.reason}`);
}
afterAll(async () => {
  if (started.ok) await started.service.stop();
});

const service = `quantdesk-test-${randomUUID()}`;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function freshCore(dataDir = tempDir()): Promise<Core> {
  dirs.push(dataDir);
  // trace: log as much as the core ever would, so the byte scan below means something.
  return createCore({
    dataDir,
    secretsService: service,
    checkOutputs: true,
    logger: createLogger(dataDir, 'trace'),
  });
}

type AuditItem = { action: string; outcome: string; details: Record<string, unknown> };
async function auditItems(core: Core, action: string): Promise<AuditItem[]> {
  const r = await core.invoke('audit.list', { action, pageSize: 100 });
  if (!r.ok) throw new Error(r.error.message);
  return (r.data as { items: AuditItem[] }).items;
}

describe.skipIf(!started.ok)('secrets in a real Secret Service', () => {
  it('set, has, list, rotate, delete round-trip; values live in the keychain only', async () => {
    const core = await freshCore();
    const key = 'broker:alpaca-paper:apiKey';
    const v1 = `v1-${randomUUID()}`;
    const v2 = `v2-${randomUUID()}`;

    expect(await core.invoke('secrets.list')).toMatchObject({ ok: true, data: { names: [] } });
    expect(await core.invoke('secrets.has', { name: key })).toMatchObject({
      ok: true,
      data: { name: key, set: false },
    });

    const set1 = await core.invoke('secrets.set', { name: key, value: v1 });
    expect(set1).toMatchObject({ ok: true, data: { name: key, rotated: false } });
    expect(JSON.stringify(set1)).not.toContain(v1);
    expect(await core.invoke('secrets.has', { name: key })).toMatchObject({ ok: true, data: { set: true } });
    expect(await core.secrets.get(key)).toBe(v1);

    // It is really in the Secret Service, under our service name and the secret's name.
    const direct = new AsyncEntry(service, key, { linux: { store: 'secret-service' } });
    expect(await direct.getPassword()).toBe(v1);

    const set2 = await core.invoke('secrets.set', { name: key, value: v2 });
    expect(set2).toMatchObject({ ok: true, data: { name: key, rotated: true } });
    expect(await core.secrets.get(key)).toBe(v2);

    await core.invoke('secrets.set', { name: 'sync:token', value: `tok-${randomUUID()}` });
    await core.invoke('secrets.set', { name: 'redis:password', value: `pw-${randomUUID()}` });
    expect(await core.invoke('secrets.list')).toMatchObject({
      ok: true,
      data: { names: ['broker:alpaca-paper:apiKey', 'redis:password', 'sync:token'] },
    });

    // A second core (a restart) sees the same secrets: they persist outside the process.
    const again = await freshCore();
    expect(await again.invoke('secrets.list')).toMatchObject({
      ok: true,
      data: { names: [key, 'redis:password', 'sync:token'] },
    });
    expect(await again.secrets.get(key)).toBe(v2);
    await again.close();

    expect(await core.invoke('secrets.delete', { name: key })).toMatchObject({
      ok: true,
      data: { deleted: true },
    });
    expect(await core.invoke('secrets.delete', { name: key })).toMatchObject({
      ok: true,
      data: { deleted: false },
    });
    expect(await core.invoke('secrets.has', { name: key })).toMatchObject({ ok: true, data: { set: false } });
    expect(await direct.getPassword()).toBeNull();
    await core.invoke('secrets.delete', { name: 'sync:token' });
    await core.invoke('secrets.delete', { name: 'redis:password' });
    expect(await core.invoke('secrets.list')).toMatchObject({ ok: true, data: { names: [] } });

    // Audit: every set/delete recorded, rotation flagged, no value anywhere.
    const sets = await auditItems(core, 'secrets.set');
    expect(sets.map((i) => i.details)).toEqual([
      { name: 'redis:password', value: '[redacted]', rotated: false },
      { name: 'sync:token', value: '[redacted]', rotated: false },
      { name: key, value: '[redacted]', rotated: true },
      { name: key, value: '[redacted]', rotated: false },
    ]);
    const deletes = await auditItems(core, 'secrets.delete');
    expect(deletes.map((i) => i.details.deleted)).toEqual([true, true, false, true]);
    const all = JSON.stringify(await auditItems(core, 'secrets.set'));
    expect(all).not.toContain(v1);
    expect(all).not.toContain(v2);
    await core.close();
  });

  it('ignores foreign accounts under the same service name in list', async () => {
    const core = await freshCore();
    const stray = new AsyncEntry(service, 'not-a-quantdesk-name', { linux: { store: 'secret-service' } });
    await stray.setPassword('whatever');
    await core.invoke('secrets.set', { name: 'sync:key', value: 'k' });
    expect(await core.invoke('secrets.list')).toMatchObject({ ok: true, data: { names: ['sync:key'] } });
    await stray.deleteCredential();
    await core.invoke('secrets.delete', { name: 'sync:key' });
    await core.close();
  });

  it('keeps secret bytes out of the SQLite db, its WAL/SHM and the logs, before and after a checkpoint', async () => {
    const dataDir = tempDir();
    const core = await freshCore(dataDir);
    const db = path.join(dataDir, 'quantdesk.db');
    const marker = `QD-SECRET-${randomUUID()}`;
    const rotated = `QD-ROTATED-${randomUUID()}`;

    expect((await core.invoke('secrets.set', { name: 'broker:ib:apiSecret', value: marker })).ok).toBe(true);
    expect(await core.secrets.get('broker:ib:apiSecret')).toBe(marker); // "used" main-side
    expect((await core.invoke('secrets.set', { name: 'broker:ib:apiSecret', value: rotated })).ok).toBe(true);
    expect(await core.secrets.get('broker:ib:apiSecret')).toBe(rotated);
    await core.invoke('secrets.has', { name: 'broker:ib:apiSecret' });
    await core.invoke('secrets.list');
    // Rejected inputs carrying the value must not leak it either (validation messages, logs).
    const tooLong = await core.invoke('secrets.set', {
      name: 'broker:ib:apiSecret',
      value: marker.repeat(100),
    });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(JSON.stringify(tooLong)).not.toContain(marker);
    const badName = await core.invoke('secrets.set', { name: 'Broker:IB', value: marker });
    expect(JSON.stringify(badName)).not.toContain(marker);
    await core.invoke('user.setMode', { mode: 'expert' }); // more WAL traffic

    // Control: a non-secret canary written to the db is found by the same scan, in the WAL
    // first and in the main file after the checkpoint — so the scan really reads both.
    const canary = `QD-CANARY-${randomUUID()}`;
    core.db.$client.prepare('insert into app_meta (key, value) values (?, ?)').run('test-canary', canary);

    // The WAL exists and holds recent pages right now: check it before any checkpoint.
    expect(existsSync(`${db}-wal`)).toBe(true);
    expect(filesContaining(dataDir, canary)).toEqual(['quantdesk.db-wal']);
    for (const needle of [marker, rotated]) expect(filesContaining(dataDir, needle)).toEqual([]);

    core.db.$client.pragma('wal_checkpoint(TRUNCATE)');
    expect(filesContaining(dataDir, canary)).toContain('quantdesk.db');
    for (const needle of [marker, rotated]) expect(filesContaining(dataDir, needle)).toEqual([]);

    await core.invoke('secrets.delete', { name: 'broker:ib:apiSecret' });
    await core.close();
    for (const needle of [marker, rotated]) expect(filesContaining(dataDir, needle)).toEqual([]);
    // The scan reads real files: the db and the log were there to scan.
    expect(existsSync(db)).toBe(true);
    expect(existsSync(path.join(dataDir, 'logs', 'main.log'))).toBe(true);
  });
});
