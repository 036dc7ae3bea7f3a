/**
 * Market data: stored original files (the quota counts these), datasets, their column chunks
 * and the import history. Ids are UUIDs; user-owned rows carry a `deleted_at` tombstone.
 */
import { sql } from 'drizzle-orm';
import { IMPORT_STATUSES } from '../../../src-preload/contract/data.js';
import {
  blob,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

/**
 * One original file kept under `<dataDir>/files`. A row is inserted as `reserved` by the quota
 * manager (check + reservation in one transaction), becomes `stored` when the import commits,
 * and is removed again when the import fails, is cancelled or was interrupted by a crash.
 */
export const userFiles = sqliteTable(
  'user_files',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    filename: text('filename').notNull(),
    fileSizeBytes: integer('file_size_bytes').notNull(),
    /** Relative to the file store root; validated on every use. */
    filePath: text('file_path').notNull(),
    mimeType: text('mime_type').notNull(),
    status: text('status', { enum: ['reserved', 'stored'] }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [index('user_files_user_id').on(t.userId), index('user_files_live').on(t.deletedAt, t.userId)],
);

export const datasets = sqliteTable(
  'datasets',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    symbol: text('symbol').notNull(),
    timeframe: text('timeframe').notNull(),
    firstTs: real('first_ts').notNull(),
    lastTs: real('last_ts').notNull(),
    rowCount: integer('row_count').notNull(),
    /** The file imported last into this dataset. */
    sourceFileId: text('source_file_id').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    // One live dataset per symbol and timeframe: re-imports merge into it.
    uniqueIndex('datasets_user_symbol_tf_live')
      .on(t.userId, t.symbol, t.timeframe)
      .where(sql`deleted_at is null`),
  ],
);

/**
 * Which files fed a dataset, in import order, with the options needed to parse them again
 * (deleting one source rebuilds the dataset from the others).
 */
export const datasetSources = sqliteTable(
  'dataset_sources',
  {
    datasetId: text('dataset_id').notNull(),
    fileId: text('file_id').notNull(),
    importId: text('import_id').notNull(),
    timezone: text('timezone').notNull(),
    seq: integer('seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.fileId] }), index('dataset_sources_file').on(t.fileId)],
);

/**
 * Bars by column: one row per dataset and time chunk, each column a little-endian Float64Array
 * BLOB (ts in epoch ms). Derived from the stored files, so no tombstones: chunks of a deleted
 * dataset are removed outright.
 */
export const barChunks = sqliteTable(
  'bar_chunks',
  {
    datasetId: text('dataset_id').notNull(),
    startTs: real('start_ts').notNull(),
    endTs: real('end_ts').notNull(),
    count: integer('count').notNull(),
    ts: blob('ts', { mode: 'buffer' }).notNull(),
    open: blob('open', { mode: 'buffer' }).notNull(),
    high: blob('high', { mode: 'buffer' }).notNull(),
    low: blob('low', { mode: 'buffer' }).notNull(),
    close: blob('close', { mode: 'buffer' }).notNull(),
    volume: blob('volume', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.datasetId, t.startTs] })],
);

export const dataImports = sqliteTable(
  'data_imports',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    filename: text('filename').notNull(),
    source: text('source', { enum: ['bytes', 'dialog'] }).notNull(),
    status: text('status', { enum: IMPORT_STATUSES }).notNull(),
    fileId: text('file_id'),
    datasetId: text('dataset_id'),
    symbol: text('symbol'),
    timeframe: text('timeframe'),
    fileSizeBytes: integer('file_size_bytes'),
    rowsAccepted: integer('rows_accepted').notNull().default(0),
    rowsRejected: integer('rows_rejected').notNull().default(0),
    duplicates: integer('duplicates').notNull().default(0),
    /** JSON: { reasons: Record<reason, count>, samples: [...] }. */
    rejections: text('rejections').notNull().default('{}'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    queuedAt: integer('queued_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    index('data_imports_user_created').on(t.userId, t.createdAt),
    index('data_imports_status').on(t.status),
  ],
);
