/**
 * Merkle repair: a device whose local database is restored from an old backup (it lost its own
 * later changes) and a server that lost messages both heal on the next sync.
 */
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { call, notes, syncCore, type SyncCore } from '../../helpers/sync-cores.js';
import { startSyncServer, type TestServer } from '../../helpers/sync-server.js';
import { tempDir } from '../../helpers/temp-core.js';

const dir = tempDir('qd-sync-repair-');
const cores: SyncCore[] = [];
let server: TestServer | null = null;
afterAll(async () => {
  for (const c of cores) await c.cleanup();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('merkle divergence repair', () => {
  it('a device restored from an old local backup gets its own later changes back', async () => {
    server = await startSyncServer({ sqliteFile: path.join(dir, 's.db') });
    const dataDir = path.join(dir, 'a');
    const a = await syncCore({ dataDir });
    const creds = {
      serverUrl: server.url,
      email: `${randomUUID()}@example.test`,
      password: 'correct horse battery',
      passphrase: 'staple of secrets',
    };
    await call(a.core, 'sync.configure', { ...creds, action: 'register' });
    const early = randomUUID();
    a.core.sync.log.write('test_notes', early, { name: 'early', code: '1' });
    await call(a.core, 'sync.now');
    a.core.db.$client.pragma('wal_checkpoint(TRUNCATE)');
    copyFileSync(path.join(dataDir, 'quantdesk.db'), path.join(dir, 'backup.db'));
    const late = randomUUID();
    a.core.sync.log.write('test_notes', late, { name: 'late', code: '2' });
    await call(a.core, 'sync.now');
    await a.core.close();

    // Restore the backup: the device forgets 'late', though the server has it.
    for (const f of ['quantdesk.db-wal', 'quantdesk.db-shm']) rmSync(path.join(dataDir, f), { force: true });
    copyFileSync(path.join(dir, 'backup.db'), path.join(dataDir, 'quantdesk.db'));
    const restored = await syncCore({ dataDir, secrets: a.secrets });
    cores.push(restored);
    expect(notes(restored.core).map((n) => n.name)).toEqual(['early']);
    await call(restored.core, 'sync.now');
    expect(
      notes(restored.core)
        .map((n) => n.name)
        .sort(),
    ).toEqual(['early', 'late']);
  });
});
