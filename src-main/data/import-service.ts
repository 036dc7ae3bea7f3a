import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type Database from 'better-sqlite3';
import type { EventName, EventPayload } from '../../src-preload/contract.js';
import type { ImportResult } from '../../src-preload/contract/data.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { FileStore, type PendingFile } from '../storage/file-store.js';
import type { ImportHistory } from '../storage/import-history.js';
import type { QuotaManager } from '../storage/quota-manager.js';
import type { BarsQuery } from './bars-query.js';
import { cancelledError, parseCsv, type ParsedCsv } from './csv-parse.js';
import type { DatasetRepo } from './datasets.js';
import { inferTimeframe, mimeTypeFor, symbolFromFilename, type Timeframe } from './infer.js';

export type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface ImportOptions {
  symbol?: string | undefined;
  timeframe?: Timeframe | undefined;
  timezone?: string | undefined;
  importId?: string | undefined;
}

interface Job extends ImportOptions {
  userId: string;
  filename: string;
  source: 'bytes' | 'dialog';
  sizeBytes: number;
  open(): Readable;
}

/** Chunk size for reading: large enough that per-chunk overhead vanishes, small for progress. */
const READ_CHUNK = 1024 * 1024;

export interface ImportServiceDeps {
  sqlite: Database.Database;
  files: FileStore;
  quota: QuotaManager;
  history: ImportHistory;
  datasets: DatasetRepo;
  query: BarsQuery;
  logger: Logger;
  now: () => number;
}

/**
 * One import: reserve quota → stream the bytes into a temp file while parsing them → fsync and
 * rename → one transaction writes bars, dataset, file record and history. Any failure or cancel
 * before that transaction undoes the file and the reservation, so nothing is left behind.
 */
export class ImportService {
  private readonly running = new Map<string, AbortController>();
  /** Cancels that arrived before their import started (the call raced ahead of the import). */
  private readonly earlyCancels = new Set<string>();

  constructor(private readonly d: ImportServiceDeps) {}

  importBytes(userId: string, input: { filename: string; bytes: Uint8Array } & ImportOptions, emit: Emit) {
    const { bytes } = input;
    return this.run(
      {
        ...input,
        userId,
        filename: path.basename(input.filename),
        source: 'bytes',
        sizeBytes: bytes.byteLength,
        open: () => Readable.from(slices(bytes, READ_CHUNK), { objectMode: false }),
      },
      emit,
    );
  }

  /** `file` comes from the main-side dialog, never from the renderer. */
  async importFile(userId: string, file: string, opts: ImportOptions, emit: Emit): Promise<ImportResult> {
    const st = await stat(file).catch((err: NodeJS.ErrnoException) => {
      throw new AppError('NOT_FOUND', `The chosen file cannot be read (${err.code ?? err.message}).`);
    });
    if (!st.isFile()) throw new AppError('VALIDATION', 'The chosen path is not a regular file.');
    const size = st.size;
    return this.run(
      {
        ...opts,
        userId,
        filename: path.basename(file),
        source: 'dialog',
        sizeBytes: size,
        // Read exactly the size the quota reserved; a file that grew meanwhile is caught below.
        open: () =>
          createReadStream(file, { highWaterMark: READ_CHUNK, start: 0, end: Math.max(0, size - 1) }),
      },
      emit,
    );
  }

  cancel(importId: string): boolean {
    const ac = this.running.get(importId);
    if (ac) {
      ac.abort();
      return true;
    }
    if (this.d.history.exists(importId)) return false; // already finished
    if (this.earlyCancels.size > 1000) this.earlyCancels.clear();
    this.earlyCancels.add(importId);
    return true;
  }

  get activeImports(): number {
    return this.running.size;
  }

  private async run(job: Job, emit: Emit): Promise<ImportResult> {
    const { history, quota, files, logger } = this.d;
    const importId = job.importId ?? randomUUID();
    if (history.exists(importId)) throw new AppError('VALIDATION', `Import id ${importId} was already used.`);
    const started = performance.now();
    history.create({ id: importId, userId: job.userId, filename: job.filename, source: job.source });
    const ac = new AbortController();
    this.running.set(importId, ac);
    if (this.earlyCancels.delete(importId)) ac.abort();

    const total = job.sizeBytes;
    const progress = (done: number, phase: string): void =>
      emit('job.progress', { jobId: importId, done, total, phase });
    const fileId = randomUUID();
    let reserved = false;
    let pending: PendingFile | undefined;
    let parsed: ParsedCsv | undefined;
    try {
      if (ac.signal.aborted) throw cancelledError();
      history.running(importId, { fileSizeBytes: total });
      progress(0, 'checking');
      if (total === 0) throw new AppError('VALIDATION', 'The file is empty.');
      const relPath = FileStore.storedName(fileId, job.filename);
      quota.reserve(
        {
          fileId,
          userId: job.userId,
          filename: job.filename,
          sizeBytes: total,
          relPath,
          mimeType: mimeTypeFor(job.filename),
        },
        this.d.now(),
      );
      reserved = true;
      await files.ensureSpace(total);
      pending = await files.begin(relPath);
      const sink = pending;
      parsed = await parseCsv(job.open(), {
        timezone: job.timezone ?? 'UTC',
        signal: ac.signal,
        sink: (chunk) => sink.write(chunk),
        onBytes: (n) => progress(n, 'reading'),
      });
      if (sink.bytesWritten !== total) {
        throw new AppError('VALIDATION', 'The file changed while it was being imported. Import it again.', {
          expectedBytes: total,
          readBytes: sink.bytesWritten,
        });
      }
      const symbol = job.symbol ?? parsed.symbolFromFile ?? symbolFromFilename(job.filename);
      if (!symbol) {
        throw new AppError(
          'VALIDATION',
          'Which symbol is this? Give one (the file name and columns do not say).',
        );
      }
      const timeframe = job.timeframe ?? inferTimeframe(parsed.bars.ts);
      if (!timeframe) {
        throw new AppError(
          'VALIDATION',
          'The bars are not evenly spaced in a known timeframe. Choose the timeframe.',
        );
      }
      progress(total, 'saving');
      await pending.commit();
      if (ac.signal.aborted) throw cancelledError();

      const p = parsed;
      const now = this.d.now();
      const rejections = { reasons: p.reasons, samples: p.samples };
      const { datasetId, rowCount } = withDeferredCheckpoint(this.d.sqlite, () => {
        const merged = this.d.datasets.mergeImport(
          { userId: job.userId, symbol, timeframe, fileId, importId, timezone: job.timezone ?? 'UTC' },
          p.bars,
          now,
        );
        this.d.sqlite
          .prepare(
            "update user_files set status = 'stored', updated_at = ? where id = ? and status = 'reserved'",
          )
          .run(now, fileId);
        history.done(importId, {
          fileId,
          datasetId: merged.datasetId,
          symbol,
          timeframe,
          rowsAccepted: p.rowsAccepted,
          rowsRejected: p.rowsRejected,
          duplicates: p.duplicates,
          rejections,
        });
        return merged;
      });
      this.d.query.invalidate(datasetId);
      progress(total, 'done');
      emit('data.changed', { reason: 'import', datasetIds: [datasetId] });
      return {
        importId,
        status: 'done',
        fileId,
        datasetId,
        symbol,
        timeframe,
        fileSizeBytes: total,
        rowsAccepted: p.rowsAccepted,
        rowsRejected: p.rowsRejected,
        duplicates: p.duplicates,
        duplicateSamples: p.duplicateSamples,
        rejectReasons: p.reasons,
        rejectSamples: p.samples,
        wasUnsorted: p.wasUnsorted,
        firstTs: p.bars.ts[0]!,
        lastTs: p.bars.ts[p.bars.ts.length - 1]!,
        datasetRows: rowCount,
        durationMs: Math.round(performance.now() - started),
      };
    } catch (err) {
      if (pending)
        await pending
          .abort()
          .catch((e: unknown) => logger.warn({ err: e, importId }, 'temp file clean-up failed'));
      if (reserved) quota.release(fileId);
      const cancelled = ac.signal.aborted || (err instanceof AppError && err.code === 'CANCELLED');
      const app = err instanceof AppError ? err : undefined;
      const error = cancelled
        ? { code: 'CANCELLED', message: 'The import was cancelled.' }
        : { code: app?.code ?? 'INTERNAL', message: app?.message ?? 'The import failed unexpectedly.' };
      const counts = parsed
        ? {
            rowsAccepted: parsed.rowsAccepted,
            rowsRejected: parsed.rowsRejected,
            duplicates: parsed.duplicates,
            rejections: { reasons: parsed.reasons, samples: parsed.samples },
          }
        : rejectedCounts(app);
      history.end(importId, cancelled ? 'cancelled' : 'failed', error, counts);
      progress(0, cancelled ? 'cancelled' : 'failed');
      if (!app) logger.error({ err, importId }, 'import failed');
      throw cancelled ? cancelledError() : err;
    } finally {
      this.running.delete(importId);
    }
  }
}

/** An import where every row was rejected still records why, from the error's details. */
function rejectedCounts(err: AppError | undefined) {
  const d = err?.details;
  if (!d || typeof d.rowsRejected !== 'number') return undefined;
  return {
    rowsAccepted: 0,
    rowsRejected: d.rowsRejected,
    duplicates: 0,
    rejections: {
      reasons: (d.reasons ?? {}) as Record<string, number>,
      samples: (d.samples ?? []) as { line: number; reason: string; text: string }[],
    },
  };
}

/**
 * Runs a big write transaction without SQLite's automatic checkpoint at its commit (which copies
 * the whole WAL into the database file and fsyncs, about as long as the write itself), then
 * checkpoints on the next turn of the event loop, after the caller has its answer.
 */
function withDeferredCheckpoint<T>(sqlite: Database.Database, fn: () => T): T {
  const previous = sqlite.pragma('wal_autocheckpoint', { simple: true }) as number;
  sqlite.pragma('wal_autocheckpoint = 0');
  try {
    return sqlite.transaction(fn)();
  } finally {
    sqlite.pragma(`wal_autocheckpoint = ${previous}`);
    setImmediate(() => {
      if (sqlite.open) sqlite.pragma('wal_checkpoint(PASSIVE)');
    });
  }
}

function* slices(bytes: Uint8Array, size: number): Generator<Buffer> {
  for (let off = 0; off < bytes.byteLength; off += size) {
    yield Buffer.from(bytes.buffer, bytes.byteOffset + off, Math.min(size, bytes.byteLength - off));
  }
}
