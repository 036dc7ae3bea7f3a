import type Database from 'better-sqlite3';
import type { ImportRecord } from '../../src-preload/contract/data.js';

export type ImportStatus = ImportRecord['status'];
export type RejectSample = ImportRecord['rejectSamples'][number];

export interface Rejections {
  reasons: Record<string, number>;
  samples: RejectSample[];
}

interface Row {
  id: string;
  filename: string;
  source: 'bytes' | 'dialog';
  status: ImportStatus;
  file_id: string | null;
  dataset_id: string | null;
  symbol: string | null;
  timeframe: string | null;
  file_size_bytes: number | null;
  rows_accepted: number;
  rows_rejected: number;
  duplicates: number;
  rejections: string;
  error_code: string | null;
  error_message: string | null;
  queued_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface HistoryQuery {
  page: number;
  pageSize: number;
  from?: number | undefined;
  to?: number | undefined;
  status?: ImportStatus | undefined;
  filename?: string | undefined;
}

/** The processing record of every import: queued → running → done | failed | cancelled. */
export class ImportHistory {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly now: () => number = Date.now,
  ) {}

  create(r: { id: string; userId: string; filename: string; source: 'bytes' | 'dialog' }): void {
    const t = this.now();
    this.sqlite
      .prepare(
        `insert into data_imports (id, user_id, filename, source, status, queued_at, created_at, updated_at)
         values (?, ?, ?, ?, 'queued', ?, ?, ?)`,
      )
      .run(r.id, r.userId, r.filename, r.source, t, t, t);
  }

  exists(id: string): boolean {
    return this.sqlite.prepare('select 1 from data_imports where id = ?').get(id) !== undefined;
  }

  running(id: string, patch: { fileSizeBytes?: number; filename?: string }): void {
    const t = this.now();
    this.sqlite
      .prepare(
        `update data_imports set status = 'running', started_at = ?, updated_at = ?,
           file_size_bytes = coalesce(?, file_size_bytes), filename = coalesce(?, filename) where id = ?`,
      )
      .run(t, t, patch.fileSizeBytes ?? null, patch.filename ?? null, id);
  }

  /** Called inside the import's commit transaction, so history and data agree. */
  done(
    id: string,
    r: {
      fileId: string;
      datasetId: string;
      symbol: string;
      timeframe: string;
      rowsAccepted: number;
      rowsRejected: number;
      duplicates: number;
      rejections: Rejections;
    },
  ): void {
    const t = this.now();
    this.sqlite
      .prepare(
        `update data_imports set status = 'done', file_id = ?, dataset_id = ?, symbol = ?, timeframe = ?,
           rows_accepted = ?, rows_rejected = ?, duplicates = ?, rejections = ?, finished_at = ?, updated_at = ?
         where id = ?`,
      )
      .run(
        r.fileId,
        r.datasetId,
        r.symbol,
        r.timeframe,
        r.rowsAccepted,
        r.rowsRejected,
        r.duplicates,
        JSON.stringify(r.rejections),
        t,
        t,
        id,
      );
  }

  end(
    id: string,
    status: 'failed' | 'cancelled',
    error: { code: string; message: string },
    counts?: { rowsAccepted: number; rowsRejected: number; duplicates: number; rejections: Rejections },
  ): void {
    const t = this.now();
    this.sqlite
      .prepare(
        `update data_imports set status = ?, error_code = ?, error_message = ?, finished_at = ?, updated_at = ?,
           rows_accepted = coalesce(?, rows_accepted), rows_rejected = coalesce(?, rows_rejected),
           duplicates = coalesce(?, duplicates), rejections = coalesce(?, rejections)
         where id = ?`,
      )
      .run(
        status,
        error.code,
        error.message,
        t,
        t,
        counts?.rowsAccepted ?? null,
        counts?.rowsRejected ?? null,
        counts?.duplicates ?? null,
        counts ? JSON.stringify(counts.rejections) : null,
        id,
      );
  }

  /** Start-up: anything still queued or running belonged to a process that died. */
  markInterrupted(): number {
    const t = this.now();
    return this.sqlite
      .prepare(
        `update data_imports set status = 'interrupted', error_code = 'INTERRUPTED',
           error_message = 'Quantdesk stopped before this import finished; nothing from it was kept.',
           finished_at = ?, updated_at = ?
         where status in ('queued', 'running')`,
      )
      .run(t, t).changes;
  }

  list(userId: string, q: HistoryQuery): { items: ImportRecord[]; total: number } {
    const where = ['user_id = ?', 'deleted_at is null'];
    const args: (string | number)[] = [userId];
    if (q.from !== undefined) {
      where.push('queued_at >= ?');
      args.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('queued_at <= ?');
      args.push(q.to);
    }
    if (q.status !== undefined) {
      where.push('status = ?');
      args.push(q.status);
    }
    if (q.filename !== undefined) {
      // instr on lower() instead of LIKE so % and _ in a file name are matched literally.
      where.push('instr(lower(filename), lower(?)) > 0');
      args.push(q.filename);
    }
    const clause = where.join(' and ');
    const total = (
      this.sqlite.prepare(`select count(*) as n from data_imports where ${clause}`).get(...args) as {
        n: number;
      }
    ).n;
    const rows = this.sqlite
      .prepare(
        `select * from data_imports where ${clause} order by queued_at desc, rowid desc limit ? offset ?`,
      )
      .all(...args, q.pageSize, (q.page - 1) * q.pageSize) as Row[];
    return { items: rows.map(toRecord), total };
  }

  get(id: string): ImportRecord | undefined {
    const row = this.sqlite.prepare('select * from data_imports where id = ?').get(id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }
}

function toRecord(r: Row): ImportRecord {
  const rej = JSON.parse(r.rejections) as Partial<Rejections>;
  return {
    id: r.id,
    filename: r.filename,
    source: r.source,
    status: r.status,
    fileId: r.file_id,
    datasetId: r.dataset_id,
    symbol: r.symbol,
    timeframe: r.timeframe,
    fileSizeBytes: r.file_size_bytes,
    rowsAccepted: r.rows_accepted,
    rowsRejected: r.rows_rejected,
    duplicates: r.duplicates,
    rejectReasons: rej.reasons ?? {},
    rejectSamples: rej.samples ?? [],
    errorCode: r.error_code,
    errorMessage: r.error_message,
    queuedAt: r.queued_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
