import { randomUUID } from 'node:crypto';
import { constants, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rename, rm, statfs, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../errors.js';
import { formatBytes } from './format.js';

/** Stored names are `<uuid>.<ext>`: nothing a user typed ever becomes part of a path. */
const STORED_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(csv|tsv|txt)$/;
const TEMP_DIR = '.tmp';
/** Headroom kept free on the disk beyond the file itself (SQLite's WAL and the bars need room). */
export const DISK_HEADROOM_BYTES = 64 * 1024 * 1024;

export type FreeDiskProbe = (dir: string) => Promise<number>;

export const statfsFreeBytes: FreeDiskProbe = async (dir) => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};

export interface PendingFile {
  readonly relPath: string;
  /** Bytes written so far. */
  readonly bytesWritten: number;
  write(chunk: Uint8Array): Promise<void>;
  /** fsync, close and rename into place; then fsync the directory so the rename is durable. */
  commit(): Promise<void>;
  /** Close and remove the temporary file (idempotent; removes the final file if already renamed). */
  abort(): Promise<void>;
}

/**
 * Original files under `<dataDir>/files`, written atomically: a temporary file in
 * `files/.tmp`, fsynced, renamed. A crash leaves at most a temp file, which `recover` deletes.
 */
export class FileStore {
  readonly root: string;
  readonly tempDir: string;

  constructor(
    dataDir: string,
    private readonly freeBytes: FreeDiskProbe = statfsFreeBytes,
  ) {
    this.root = path.join(dataDir, 'files');
    this.tempDir = path.join(this.root, TEMP_DIR);
    mkdirSync(this.tempDir, { recursive: true });
  }

  static storedName(fileId: string, filename: string): string {
    const ext = path.extname(filename).slice(1).toLowerCase();
    return `${fileId}.${ext === 'tsv' || ext === 'txt' ? ext : 'csv'}`;
  }

  /** The absolute path of a stored file; refuses anything that is not a plain stored name. */
  resolve(relPath: string): string {
    if (!STORED_NAME.test(relPath)) {
      throw new AppError(
        'VALIDATION',
        `Refusing a stored-file path that is not a stored name: ${JSON.stringify(relPath)}`,
      );
    }
    const abs = path.resolve(this.root, relPath);
    if (path.dirname(abs) !== this.root)
      throw new AppError('VALIDATION', 'Stored-file path escapes the store.');
    return abs;
  }

  async ensureSpace(bytes: number): Promise<void> {
    const free = await this.freeBytes(this.root);
    if (free < bytes + DISK_HEADROOM_BYTES) {
      throw new AppError(
        'UNAVAILABLE',
        `Not enough free disk space: the file needs ${formatBytes(bytes)} plus ${formatBytes(DISK_HEADROOM_BYTES)} headroom, ` +
          `${formatBytes(free)} is free.`,
        { freeBytes: free, neededBytes: bytes + DISK_HEADROOM_BYTES },
      );
    }
  }

  async begin(relPath: string): Promise<PendingFile> {
    const finalPath = this.resolve(relPath);
    const tempPath = path.join(this.tempDir, `${randomUUID()}.part`);
    const fh: FileHandle = await open(
      tempPath,
      constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY,
      0o600,
    );
    let written = 0;
    let closed = false;
    let renamed = false;
    const root = this.root;
    return {
      relPath,
      get bytesWritten() {
        return written;
      },
      async write(chunk) {
        let off = 0;
        while (off < chunk.byteLength) {
          const { bytesWritten } = await fh.write(chunk, off, chunk.byteLength - off);
          off += bytesWritten;
        }
        written += chunk.byteLength;
      },
      async commit() {
        await fh.sync();
        await fh.close();
        closed = true;
        await rename(tempPath, finalPath);
        renamed = true;
        await fsyncDir(root);
      },
      async abort() {
        if (!closed) {
          closed = true;
          await fh.close().catch(() => undefined);
        }
        await rm(renamed ? finalPath : tempPath, { force: true });
      },
    };
  }

  async remove(relPath: string): Promise<void> {
    await rm(this.resolve(relPath), { force: true });
  }

  /**
   * Start-up clean-up: every temp file goes, and every stored file no live record names.
   * Returns what was removed, for the log.
   */
  recover(liveRelPaths: ReadonlySet<string>): { temps: number; orphans: string[] } {
    let temps = 0;
    for (const name of readdirSync(this.tempDir)) {
      rmSync(path.join(this.tempDir, name), { force: true, recursive: true });
      temps++;
    }
    const orphans: string[] = [];
    for (const entry of readdirSync(this.root, { withFileTypes: true })) {
      if (entry.name === TEMP_DIR) continue;
      if (entry.isFile() && liveRelPaths.has(entry.name)) continue;
      rmSync(path.join(this.root, entry.name), { force: true, recursive: true });
      orphans.push(entry.name);
    }
    return { temps, orphans };
  }

  /** Names of the files actually in the store (not temp files). */
  listStored(): string[] {
    return readdirSync(this.root, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
  }
}

async function fsyncDir(dir: string): Promise<void> {
  // Directory fsync makes the rename itself durable; not supported on every platform (Windows).
  try {
    const dh = await open(dir, constants.O_RDONLY);
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    /* best effort */
  }
}
