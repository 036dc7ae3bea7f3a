import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Logger } from '../logger.js';
import type { FileStore } from './file-store.js';
import type { ImportHistory } from './import-history.js';

export interface RecoveryReport {
  interruptedImports: number;
  releasedReservations: number;
  tempFilesRemoved: number;
  orphanFilesRemoved: number;
  missingFiles: number;
  orphanChunkRows: number;
}

/**
 * Runs at start, before any import: whatever a killed process left half-done is undone, so the
 * usage figures equal the files on disk again.
 */
export function recoverStorage(
  sqlite: Database.Database,
  files: FileStore,
  history: ImportHistory,
  logger: Logger,
  now = Date.now(),
): RecoveryReport {
  const interruptedImports = history.markInterrupted();
  // A reservation never became a stored file: the import died before its commit transaction.
  const releasedReservations = sqlite
    .prepare("delete from user_files where status = 'reserved'")
    .run().changes;

  const live = sqlite
    .prepare("select id, file_path from user_files where status = 'stored' and deleted_at is null")
    .all() as { id: string; file_path: string }[];
  const present = new Set<string>();
  let missingFiles = 0;
  for (const f of live) {
    let ok: boolean;
    try {
      ok = existsSync(files.resolve(f.file_path));
    } catch {
      ok = false;
    }
    if (ok) present.add(f.file_path);
    else {
      // Someone removed it by hand: the record goes too, or the quota would count a ghost.
      sqlite.prepare('update user_files set deleted_at = ?, updated_at = ? where id = ?').run(now, now, f.id);
      missingFiles++;
    }
  }
  const { temps, orphans } = files.recover(present);
  const orphanChunkRows = sqlite
    .prepare(
      'delete from bar_chunks where dataset_id not in (select id from datasets where deleted_at is null)',
    )
    .run().changes;

  const report = {
    interruptedImports,
    releasedReservations,
    tempFilesRemoved: temps,
    orphanFilesRemoved: orphans.length,
    missingFiles,
    orphanChunkRows,
  };
  if (Object.values(report).some((v) => v > 0))
    logger.warn(report, 'recovered storage after an unclean stop');
  return report;
}
