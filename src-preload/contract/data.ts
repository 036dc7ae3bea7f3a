import { z } from 'zod';
import { channel } from './define.js';
import { TIMEFRAMES } from './user.js';

/** Upper bound on one import's bytes over IPC; the user quota is usually the tighter limit. */
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

export const timeframeSchema = z.enum(TIMEFRAMES);
export const symbolSchema = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9._^=:/-]+$/, 'Letters, digits and . _ ^ = : / - only')
  .transform((s) => s.toUpperCase());

/** IANA zone for timestamps that carry no offset, e.g. "America/New_York". Default UTC. */
export const timezoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'Unknown time zone');

const importOptions = {
  symbol: symbolSchema.optional(),
  timeframe: timeframeSchema.optional(),
  timezone: timezoneSchema.optional(),
  /** Chosen by the caller so it can follow progress and cancel; generated when absent. */
  importId: z.uuid().optional(),
};

export const IMPORT_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export const importStatusSchema = z.enum(IMPORT_STATUSES);

export const rejectSampleSchema = z.object({
  /** 1-based line number in the file (the header is line 1). */
  line: z.number().int(),
  reason: z.string(),
  text: z.string(),
});

export const importResultSchema = z.object({
  importId: z.string(),
  status: z.literal('done'),
  fileId: z.string(),
  datasetId: z.string(),
  symbol: z.string(),
  timeframe: timeframeSchema,
  fileSizeBytes: z.number().int(),
  rowsAccepted: z.number().int(),
  rowsRejected: z.number().int(),
  /** Rows whose timestamp appeared earlier in the file; the last one is kept. */
  duplicates: z.number().int(),
  duplicateSamples: z.array(z.number()),
  rejectReasons: z.record(z.string(), z.number().int()),
  rejectSamples: z.array(rejectSampleSchema),
  /** The file's rows were not in time order and were sorted. */
  wasUnsorted: z.boolean(),
  firstTs: z.number(),
  lastTs: z.number(),
  /** Rows in the dataset after merging with earlier imports. */
  datasetRows: z.number().int(),
  durationMs: z.number(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

export const datasetSchema = z.object({
  id: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  firstTs: z.number(),
  lastTs: z.number(),
  rowCount: z.number().int(),
  sourceFileIds: z.array(z.string()),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

export const importRecordSchema = z.object({
  id: z.string(),
  filename: z.string(),
  source: z.enum(['bytes', 'dialog']),
  status: importStatusSchema,
  fileId: z.string().nullable(),
  datasetId: z.string().nullable(),
  symbol: z.string().nullable(),
  timeframe: z.string().nullable(),
  fileSizeBytes: z.number().int().nullable(),
  rowsAccepted: z.number().int(),
  rowsRejected: z.number().int(),
  duplicates: z.number().int(),
  rejectReasons: z.record(z.string(), z.number().int()),
  rejectSamples: z.array(rejectSampleSchema),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  queuedAt: z.number().int(),
  startedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
});
export type ImportRecord = z.infer<typeof importRecordSchema>;

export const usageSchema = z.object({
  usedBytes: z.number().int(),
  fileCount: z.number().int(),
  quotaBytes: z.number().int(),
  quotaFiles: z.number().int(),
  globalUsedBytes: z.number().int(),
  globalFileCount: z.number().int(),
  globalQuotaBytes: z.number().int(),
});
export type Usage = z.infer<typeof usageSchema>;

const f64 = z.instanceof(Float64Array);

export const dataChannels = {
  'data.importBytes': channel({
    input: z.strictObject({
      filename: z.string().trim().min(1).max(255),
      bytes: z
        .instanceof(Uint8Array)
        .refine((b) => b.byteLength <= MAX_IMPORT_BYTES, `At most ${MAX_IMPORT_BYTES} bytes per import`),
      ...importOptions,
    }),
    output: importResultSchema,
    category: 'default',
    mutates: true,
    summary: 'Import an OHLCV CSV the renderer holds (drag and drop); keeps the file and stores its bars.',
  }),
  'data.importFromDialog': channel({
    input: z.strictObject(importOptions).optional(),
    output: importResultSchema.nullable(),
    category: 'default',
    mutates: true,
    summary:
      'Let the user pick a file in a main-side dialog and import it; null when the dialog is dismissed.',
  }),
  'data.cancelImport': channel({
    input: z.strictObject({ importId: z.uuid() }),
    output: z.object({ cancelled: z.boolean() }),
    category: 'interactive',
    mutates: true,
    summary: 'Cancel a running import; it leaves no bars, no file and no quota used.',
  }),
  'data.datasets': channel({
    input: z.strictObject({}).optional(),
    output: z.object({ items: z.array(datasetSchema) }),
    category: 'interactive',
    mutates: false,
    summary: 'The current user’s datasets (symbol, timeframe, range, rows).',
  }),
  'data.history': channel({
    input: z
      .strictObject({
        page: z.number().int().min(1).max(1_000_000).default(1),
        pageSize: z.number().int().min(1).max(500).default(25),
        /** Epoch ms, inclusive, on the time the import was queued. */
        from: z.number().int().optional(),
        to: z.number().int().optional(),
        status: importStatusSchema.optional(),
        /** Case-insensitive substring of the file name. */
        filename: z.string().min(1).max(255).optional(),
      })
      .optional(),
    output: z.object({
      items: z.array(importRecordSchema),
      total: z.number().int(),
      page: z.number().int(),
      pageSize: z.number().int(),
    }),
    category: 'interactive',
    mutates: false,
    summary: 'Import history, newest first, paged and filtered by date range, status and file name.',
  }),
  'bars.query': channel({
    input: z.strictObject({
      symbol: symbolSchema,
      timeframe: timeframeSchema,
      from: z.number().optional(),
      to: z.number().optional(),
      /** Downsample to at most this many OHLC buckets (charts). */
      maxPoints: z.number().int().min(2).max(10_000_000).optional(),
    }),
    output: z.object({
      symbol: z.string(),
      timeframe: z.string(),
      count: z.number().int(),
      downsampled: z.boolean(),
      ts: f64,
      open: f64,
      high: f64,
      low: f64,
      close: f64,
      volume: f64,
    }),
    category: 'interactive',
    mutates: false,
    summary: 'Bars of one dataset as typed-array columns (ts in epoch ms), optionally downsampled.',
  }),
  'storage.usage': channel({
    input: z.strictObject({}).optional(),
    output: usageSchema,
    category: 'interactive',
    mutates: false,
    summary: 'Exact storage used by the current user and the whole app, with the quotas.',
  }),
  'storage.files': channel({
    input: z.strictObject({}).optional(),
    output: z.object({
      items: z.array(
        z.object({
          id: z.string(),
          filename: z.string(),
          fileSizeBytes: z.number().int(),
          mimeType: z.string(),
          createdAt: z.number().int(),
        }),
      ),
    }),
    category: 'interactive',
    mutates: false,
    summary: 'Stored original files of the current user.',
  }),
  'storage.deleteFile': channel({
    input: z.strictObject({ fileId: z.uuid() }),
    output: z.object({
      fileId: z.string(),
      freedBytes: z.number().int(),
      datasetsRemoved: z.array(z.string()),
      datasetsRebuilt: z.array(z.string()),
    }),
    category: 'default',
    mutates: true,
    summary: 'Delete a stored file with its bars and dataset in one step; frees its quota.',
  }),
};
