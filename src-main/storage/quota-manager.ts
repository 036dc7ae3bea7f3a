import type Database from 'better-sqlite3';
import type { Usage } from '../../src-preload/contract/data.js';
import { AppError } from '../errors.js';
import { formatBytes } from './format.js';

export interface QuotaLimits {
  /** Per user, bytes. Default 100 MB (decimal, 100,000,000). */
  userBytes: number;
  /** Per user, files. Default 50. */
  userFiles: number;
  /** Whole app, bytes. Default 100 GB (decimal). */
  globalBytes: number;
}

export const DEFAULT_QUOTA: QuotaLimits = {
  userBytes: 100_000_000,
  userFiles: 50,
  globalBytes: 100_000_000_000,
};

export interface Reservation {
  fileId: string;
  userId: string;
  filename: string;
  sizeBytes: number;
  relPath: string;
  mimeType: string;
}

interface Sums {
  bytes: number;
  files: number;
}

/** The rule, on its own so properties can state it: allowed iff both limits hold. */
export function quotaAllows(limits: QuotaLimits, user: Sums, global: Sums, size: number): boolean {
  return (
    user.bytes + size <= limits.userBytes &&
    user.files < limits.userFiles &&
    global.bytes + size <= limits.globalBytes
  );
}

/**
 * Counts every live `user_files` row, reserved or stored: a reservation holds its bytes from
 * the moment it is granted, so imports running side by side can never overshoot together.
 */
export class QuotaManager {
  private readonly userSums: Database.Statement<[string], { bytes: number | null; files: number }>;
  private readonly globalSums: Database.Statement<[], { bytes: number | null; files: number }>;
  private readonly insert: Database.Statement;
  private readonly reserveTx: (r: Reservation, now: number) => void;

  constructor(
    private readonly sqlite: Database.Database,
    readonly limits: QuotaLimits = DEFAULT_QUOTA,
  ) {
    this.userSums = sqlite.prepare(
      'select sum(file_size_bytes) as bytes, count(*) as files from user_files where user_id = ? and deleted_at is null',
    );
    this.globalSums = sqlite.prepare(
      'select sum(file_size_bytes) as bytes, count(*) as files from user_files where deleted_at is null',
    );
    this.insert = sqlite.prepare(
      `insert into user_files (id, user_id, filename, file_size_bytes, file_path, mime_type, status, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, 'reserved', ?, ?)`,
    );
    const tx = sqlite.transaction((r: Reservation, now: number) => {
      const user = this.sums(r.userId);
      const global = this.globalTotals();
      if (!quotaAllows(this.limits, user, global, r.sizeBytes)) throw this.refusal(r, user, global);
      this.insert.run(r.fileId, r.userId, r.filename, r.sizeBytes, r.relPath, r.mimeType, now, now);
    });
    // IMMEDIATE takes the write lock before reading the sums: another connection cannot slip in.
    this.reserveTx = (r, now) => tx.immediate(r, now);
  }

  /** Checks and reserves in one transaction; throws QUOTA_EXCEEDED when the file does not fit. */
  reserve(r: Reservation, now = Date.now()): void {
    if (!Number.isSafeInteger(r.sizeBytes) || r.sizeBytes < 0) {
      throw new AppError('VALIDATION', `Invalid file size ${r.sizeBytes}.`);
    }
    this.reserveTx(r, now);
  }

  /** Gives a reservation back (failed or cancelled import). Stored files are deleted elsewhere. */
  release(fileId: string): void {
    this.sqlite.prepare("delete from user_files where id = ? and status = 'reserved'").run(fileId);
  }

  usage(userId: string): Usage {
    const user = this.sums(userId);
    const global = this.globalTotals();
    return {
      usedBytes: user.bytes,
      fileCount: user.files,
      quotaBytes: this.limits.userBytes,
      quotaFiles: this.limits.userFiles,
      globalUsedBytes: global.bytes,
      globalFileCount: global.files,
      globalQuotaBytes: this.limits.globalBytes,
    };
  }

  private sums(userId: string): Sums {
    const row = this.userSums.get(userId);
    return { bytes: row?.bytes ?? 0, files: row?.files ?? 0 };
  }

  private globalTotals(): Sums {
    const row = this.globalSums.get();
    return { bytes: row?.bytes ?? 0, files: row?.files ?? 0 };
  }

  private refusal(r: Reservation, user: Sums, global: Sums): AppError {
    const details = {
      usedBytes: user.bytes,
      limitBytes: this.limits.userBytes,
      fileCount: user.files,
      maxFiles: this.limits.userFiles,
      requestedBytes: r.sizeBytes,
      globalUsedBytes: global.bytes,
      globalLimitBytes: this.limits.globalBytes,
    };
    if (user.files >= this.limits.userFiles) {
      return new AppError(
        'QUOTA_EXCEEDED',
        `Upload quota exceeded. Files: ${user.files}, Limit: ${this.limits.userFiles} files. Delete a file to import another.`,
        details,
      );
    }
    if (user.bytes + r.sizeBytes > this.limits.userBytes) {
      return new AppError(
        'QUOTA_EXCEEDED',
        `Upload quota exceeded. Used: ${formatBytes(user.bytes)}, Limit: ${formatBytes(this.limits.userBytes)} ` +
          `(this file is ${formatBytes(r.sizeBytes)}).`,
        details,
      );
    }
    return new AppError(
      'QUOTA_EXCEEDED',
      `Storage for all users is full. Used: ${formatBytes(global.bytes)}, Limit: ${formatBytes(this.limits.globalBytes)} ` +
        `(this file is ${formatBytes(r.sizeBytes)}).`,
      details,
    );
  }
}
