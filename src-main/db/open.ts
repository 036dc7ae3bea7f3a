import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/index.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Start-up failures the user must act on; the message says what to do. */
export class StartupError extends Error {
  constructor(
    readonly reason: 'DATA_DIR_NOT_WRITABLE' | 'DATABASE_UNREADABLE' | 'DATABASE_TOO_NEW',
    message: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}

export function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probe = path.join(dir, `.write-probe-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
  } catch (err) {
    throw new StartupError(
      'DATA_DIR_NOT_WRITABLE',
      `Quantdesk cannot write to its data folder ${dir} (${(err as Error).message}). ` +
        'Check the folder permissions and free disk space, or choose another data folder.',
    );
  }
}

/**
 * Opens (or creates) the database, applies the committed migrations and refuses databases that a
 * newer Quantdesk already migrated: running old code on a newer schema could lose data.
 */
export function openDatabase(file: string, migrationsDir: string): Db {
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file);
    // The first real read is where a corrupt or foreign file shows up.
    sqlite.pragma('schema_version', { simple: true });
  } catch (err) {
    throw new StartupError(
      'DATABASE_UNREADABLE',
      `The database ${file} cannot be read (${(err as Error).message}). ` +
        'It may be damaged or not a Quantdesk database. Restore a backup, or move it aside to start fresh.',
    );
  }
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    refuseNewerSchema(sqlite, migrationsDir, file);
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: migrationsDir });
    return db as Db;
  } catch (err) {
    sqlite.close();
    throw err;
  }
}

function refuseNewerSchema(sqlite: Database.Database, migrationsDir: string, file: string): void {
  const hasTable = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!hasTable) return;
  const journal = JSON.parse(
    readFileSync(path.join(migrationsDir, 'meta', '_journal.json'), 'utf8'),
  ) as Journal;
  const newestKnown = Math.max(0, ...journal.entries.map((e) => e.when));
  const row = sqlite.prepare('select max(created_at) as newest from __drizzle_migrations').get() as {
    newest: number | null;
  };
  if (row.newest !== null && Number(row.newest) > newestKnown) {
    throw new StartupError(
      'DATABASE_TOO_NEW',
      `The database ${file} was last used by a newer version of Quantdesk. ` +
        'Install that version (or newer) to open it; this version will not touch it, so nothing is lost.',
    );
  }
}

/** Finds `migrations/` next to the code, whether it runs from source, from `out/` or packaged. */
export function findMigrationsDir(start: string): string {
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, 'migrations');
    if (existsSync(path.join(candidate, 'meta', '_journal.json'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No migrations folder found above ${start}`);
    dir = parent;
  }
}
