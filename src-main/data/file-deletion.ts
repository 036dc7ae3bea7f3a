import { createReadStream } from 'node:fs';
import type Database from 'better-sqlite3';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { FileStore } from '../storage/file-store.js';
import type { BarsQuery } from './bars-query.js';
import type { BarChunkStore } from './bar-chunk-store.js';
import { mergeSorted, type BarColumns } from './columns.js';
import { parseCsv } from './csv-parse.js';
import type { DatasetRepo, SourceRow } from './datasets.js';
import type { Emit } from './import-service.js';

interface FileRow {
  id: string;
  file_path: string;
  file_size_bytes: number;
}

export interface DeleteResult {
  fileId: string;
  freedBytes: number;
  datasetsRemoved: string[];
  datasetsRebuilt: string[];
}

/**
 * Deleting a stored file takes its bars with it. A dataset fed only by this file goes; one fed
 * by other files too is rebuilt from those (they are kept, so the bars can always be derived
 * again). The database changes in one transaction; the file is unlinked after it commits, and a
 * crash in between leaves an orphan that the next start removes.
 */
export class FileDeletion {
  constructor(
    private readonly d: {
      sqlite: Database.Database;
      files: FileStore;
      datasets: DatasetRepo;
      bars: BarChunkStore;
      query: BarsQuery;
      logger: Logger;
      now: () => number;
    },
  ) {}

  async delete(userId: string, fileId: string, emit: Emit): Promise<DeleteResult> {
    const { sqlite, datasets } = this.d;
    for (let attempt = 0; ; attempt++) {
      const file = sqlite
        .prepare(
          "select id, file_path, file_size_bytes from user_files where id = ? and user_id = ? and deleted_at is null and status = 'stored'",
        )
        .get(fileId, userId) as FileRow | undefined;
      if (!file) throw new AppError('NOT_FOUND', `File ${fileId} was not found.`, { id: fileId });

      const affected = datasets.datasetsOfFile(fileId).map((id) => ({ id, sources: datasets.sources(id) }));
      const rebuilt = new Map<string, { bars: BarColumns; lastFileId: string }>();
      for (const ds of affected) {
        const rest = ds.sources.filter((s) => s.fileId !== fileId);
        if (rest.length > 0)
          rebuilt.set(ds.id, { bars: await this.rebuild(rest), lastFileId: rest.at(-1)!.fileId });
      }

      const now = this.d.now();
      const committed = sqlite.transaction(() => {
        // An import may have merged into one of these datasets while we were re-reading files.
        for (const ds of affected) {
          if (!sameSources(ds.sources, datasets.sources(ds.id))) return false;
        }
        sqlite
          .prepare('update user_files set deleted_at = ?, updated_at = ? where id = ?')
          .run(now, now, fileId);
        for (const ds of affected) {
          const r = rebuilt.get(ds.id);
          if (r) {
            datasets.removeSource(ds.id, fileId);
            this.d.bars.replace(ds.id, r.bars);
            datasets.refreshStats(ds.id, r.lastFileId, now);
          } else {
            datasets.remove(ds.id, now);
          }
        }
        return true;
      })();
      if (!committed) {
        if (attempt >= 3)
          throw new AppError('UNAVAILABLE', 'The dataset kept changing during the delete. Try again.');
        continue;
      }

      await this.d.files.remove(file.file_path).catch((err: unknown) => {
        this.d.logger.warn(
          { err, fileId },
          'stored file could not be unlinked; start-up clean-up will remove it',
        );
      });
      for (const ds of affected) this.d.query.invalidate(ds.id);
      const ids = affected.map((a) => a.id);
      emit('data.changed', { reason: 'delete', datasetIds: ids });
      return {
        fileId,
        freedBytes: file.file_size_bytes,
        datasetsRemoved: ids.filter((id) => !rebuilt.has(id)),
        datasetsRebuilt: ids.filter((id) => rebuilt.has(id)),
      };
    }
  }

  /** Re-reads the remaining source files in import order; later imports win on equal timestamps. */
  private async rebuild(sources: readonly SourceRow[]): Promise<BarColumns> {
    let acc: BarColumns | undefined;
    for (const s of sources) {
      const row = this.d.sqlite.prepare('select file_path from user_files where id = ?').get(s.fileId) as
        { file_path: string } | undefined;
      if (!row) continue;
      const parsed = await parseCsv(
        createReadStream(this.d.files.resolve(row.file_path), { highWaterMark: 1 << 20 }),
        {
          timezone: s.timezone,
          signal: new AbortController().signal,
        },
      );
      acc = acc ? mergeSorted(acc, parsed.bars) : parsed.bars;
    }
    if (!acc)
      throw new AppError('INTERNAL', 'No remaining source file could be read to rebuild the dataset.');
    return acc;
  }
}

const sameSources = (a: readonly SourceRow[], b: readonly SourceRow[]): boolean =>
  a.length === b.length && a.every((s, i) => s.fileId === b[i]!.fileId);
