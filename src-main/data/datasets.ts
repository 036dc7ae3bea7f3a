import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { z } from 'zod';
import type { datasetSchema } from '../../src-preload/contract/data.js';
import type { BarChunkStore } from './bar-chunk-store.js';
import type { BarColumns } from './columns.js';

export type DatasetInfo = z.infer<typeof datasetSchema>;

export interface SourceRow {
  datasetId: string;
  fileId: string;
  importId: string;
  timezone: string;
  seq: number;
}

interface DatasetRow {
  id: string;
  symbol: string;
  timeframe: string;
  first_ts: number;
  last_ts: number;
  row_count: number;
  created_at: number;
  updated_at: number;
}

/** Dataset records: one live dataset per user, symbol and timeframe; bars live in BarChunkStore. */
export class DatasetRepo {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly bars: BarChunkStore,
  ) {}

  findLive(userId: string, symbol: string, timeframe: string): string | undefined {
    const r = this.sqlite
      .prepare(
        'select id from datasets where user_id = ? and symbol = ? and timeframe = ? and deleted_at is null',
      )
      .get(userId, symbol, timeframe) as { id: string } | undefined;
    return r?.id;
  }

  /** Merges bars into the user's dataset (creating it) and records the source. Inside a transaction. */
  mergeImport(
    a: {
      userId: string;
      symbol: string;
      timeframe: string;
      fileId: string;
      importId: string;
      timezone: string;
    },
    bars: BarColumns,
    now: number,
  ): { datasetId: string; rowCount: number } {
    let id = this.findLive(a.userId, a.symbol, a.timeframe);
    if (!id) {
      id = randomUUID();
      this.sqlite
        .prepare(
          `insert into datasets (id, user_id, symbol, timeframe, first_ts, last_ts, row_count, source_file_id, created_at, updated_at)
           values (?, ?, ?, ?, 0, 0, 0, ?, ?, ?)`,
        )
        .run(id, a.userId, a.symbol, a.timeframe, a.fileId, now, now);
    }
    this.bars.merge(id, bars);
    const seq = (
      this.sqlite
        .prepare('select coalesce(max(seq), 0) + 1 as s from dataset_sources where dataset_id = ?')
        .get(id) as {
        s: number;
      }
    ).s;
    this.sqlite
      .prepare(
        'insert into dataset_sources (dataset_id, file_id, import_id, timezone, seq) values (?, ?, ?, ?, ?)',
      )
      .run(id, a.fileId, a.importId, a.timezone, seq);
    return { datasetId: id, rowCount: this.refreshStats(id, a.fileId, now) };
  }

  refreshStats(id: string, sourceFileId: string, now: number): number {
    const s = this.bars.stats(id);
    this.sqlite
      .prepare(
        'update datasets set first_ts = ?, last_ts = ?, row_count = ?, source_file_id = ?, updated_at = ? where id = ?',
      )
      .run(s.firstTs, s.lastTs, s.count, sourceFileId, now, id);
    return s.count;
  }

  /** Live datasets fed by a file. */
  datasetsOfFile(fileId: string): string[] {
    return (
      this.sqlite
        .prepare(
          `select s.dataset_id as id from dataset_sources s join datasets d on d.id = s.dataset_id
           where s.file_id = ? and d.deleted_at is null`,
        )
        .all(fileId) as { id: string }[]
    ).map((r) => r.id);
  }

  sources(datasetId: string): SourceRow[] {
    return this.sqlite
      .prepare(
        `select dataset_id as datasetId, file_id as fileId, import_id as importId, timezone, seq
         from dataset_sources where dataset_id = ? order by seq`,
      )
      .all(datasetId) as SourceRow[];
  }

  removeSource(datasetId: string, fileId: string): void {
    this.sqlite
      .prepare('delete from dataset_sources where dataset_id = ? and file_id = ?')
      .run(datasetId, fileId);
  }

  /** Tombstones the dataset and drops its bars and sources (derived data needs no tombstone). */
  remove(datasetId: string, now: number): void {
    this.bars.deleteAll(datasetId);
    this.sqlite.prepare('delete from dataset_sources where dataset_id = ?').run(datasetId);
    this.sqlite
      .prepare('update datasets set deleted_at = ?, updated_at = ? where id = ?')
      .run(now, now, datasetId);
  }

  list(userId: string): DatasetInfo[] {
    const rows = this.sqlite
      .prepare(
        `select id, symbol, timeframe, first_ts, last_ts, row_count, created_at, updated_at from datasets
         where user_id = ? and deleted_at is null order by symbol, timeframe`,
      )
      .all(userId) as DatasetRow[];
    return rows.map((r) => ({
      id: r.id,
      symbol: r.symbol,
      timeframe: r.timeframe,
      firstTs: r.first_ts,
      lastTs: r.last_ts,
      rowCount: r.row_count,
      sourceFileIds: this.sources(r.id).map((s) => s.fileId),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }
}
