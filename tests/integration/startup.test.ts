import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../src-main/core.js';
import { tempDir } from '../helpers/temp-core.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) {
    chmodSync(d, 0o755);
    rmSync(d, { recursive: true, force: true });
  }
});
const fresh = (): string => {
  const d = tempDir();
  dirs.push(d);
  return d;
};

describe('start-up and migrations', () => {
  it('applies migrations to an empty database and is idempotent on a second start', async () => {
    const dataDir = fresh();
    const a = await createCore({ dataDir });
    await a.invoke('user.setMode', { mode: 'expert' });
    await a.close();
    const db = new Database(path.join(dataDir, 'quantdesk.db'));
    const tables = (
      db.prepare("select name from sqlite_master where type='table' order by name").all() as {
        name: string;
      }[]
    ).map((r) => r.name);
    expect(tables).toEqual(
      expect.arrayContaining(['app_meta', 'audit_log', 'preferences', 'users', '__drizzle_migrations']),
    );
    const applied = (db.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
    db.close();

    const b = await createCore({ dataDir });
    expect(await b.invoke('user.getMode')).toMatchObject({ ok: true, data: { mode: 'expert' } });
    await b.close();
    const db2 = new Database(path.join(dataDir, 'quantdesk.db'));
    expect((db2.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n).toBe(
      applied,
    );
    expect(db2.pragma('journal_mode', { simple: true })).toBe('wal');
    db2.close();
  });

  it('fails fast with a clear message when the data dir is not writable', async () => {
    if (process.getuid?.() === 0) {
      // root ignores directory permissions; use a path under a regular file instead.
      const parent = fresh();
      writeFileSync(path.join(parent, 'file'), 'x');
      await expect(createCore({ dataDir: path.join(parent, 'file', 'data') })).rejects.toThrow(
        /cannot write to its data folder/,
      );
      return;
    }
    const dataDir = fresh();
    chmodSync(dataDir, 0o500);
    await expect(createCore({ dataDir })).rejects.toThrow(/cannot write to its data folder/);
  });

  it('refuses an unreadable database', async () => {
    const dataDir = fresh();
    writeFileSync(path.join(dataDir, 'quantdesk.db'), Buffer.alloc(8192, 7));
    await expect(createCore({ dataDir })).rejects.toMatchObject({ reason: 'DATABASE_UNREADABLE' });
  });

  it('refuses a database migrated by a newer version, and leaves it untouched', async () => {
    const dataDir = fresh();
    const a = await createCore({ dataDir });
    await a.close();
    const file = path.join(dataDir, 'quantdesk.db');
    const db = new Database(file);
    db.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run(
      'future',
      Date.now() + 365 * 86400_000,
    );
    db.close();
    await expect(createCore({ dataDir })).rejects.toMatchObject({
      reason: 'DATABASE_TOO_NEW',
      message: expect.stringMatching(/newer version of Quantdesk/),
    });
  });

  it('creates a missing data dir', async () => {
    const parent = fresh();
    const dataDir = path.join(parent, 'a', 'b');
    mkdirSync(parent, { recursive: true });
    const core = await createCore({ dataDir });
    expect(core.dataDir).toBe(dataDir);
    await core.close();
  });
});
