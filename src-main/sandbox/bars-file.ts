/**
 * Bars for a sandbox host by file instead of the IPC channel. Sending six 8 MB columns as a
 * structured clone costs main ~35–45 ms of blocking serialisation and the host ~110 ms more
 * before the message arrives (1 M bars, measured), and the host then copies the columns out of
 * the message buffer again. Written to a private temp file (tmpfs where there is one) the same
 * bars take a few tens of ms end to end: main writes the column bytes as they are, the host reads
 * each column straight into its own buffer and deletes the file.
 *
 * The file holds nothing but the bars the host is being sent anyway (no code, no credentials),
 * is created exclusively with mode 0600 under a random name, and is removed by the host once read
 * and by main when the job settles (whichever comes first; a host that died leaves it to main).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { COLUMN_NAMES, type WireColumns } from './protocol.js';

function transferDir(): string {
  return process.platform === 'linux' && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/** Writes the columns back to back; the path, or null when the file could not be written. */
export function writeBarsFile(cols: WireColumns, dir: string = transferDir()): string | null {
  const file = path.join(dir, `qd-bars-${randomUUID()}.bin`);
  let fd: number | null = null;
  try {
    fd = openSync(file, 'wx', 0o600);
    for (const name of COLUMN_NAMES) {
      const a = cols[name];
      const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      let at = 0;
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    }
    closeSync(fd);
    return file;
  } catch {
    if (fd !== null) closeQuiet(fd);
    removeBarsFile(file);
    return null;
  }
}

/** Reads (and deletes) a file written by writeBarsFile: one fresh Float64Array per column. */
export function readBarsFile(file: string): WireColumns {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size % (8 * COLUMN_NAMES.length) !== 0) throw new Error('the bars file has a partial row');
    const n = size / (8 * COLUMN_NAMES.length);
    const out = {} as WireColumns;
    let pos = 0;
    for (const name of COLUMN_NAMES) {
      const a = new Float64Array(n);
      const bytes = new Uint8Array(a.buffer);
      let at = 0;
      while (at < bytes.length) {
        const got = readSync(fd, bytes, at, bytes.length - at, pos + at);
        if (got === 0) throw new Error('the bars file ended early');
        at += got;
      }
      pos += bytes.length;
      out[name] = a;
    }
    return out;
  } finally {
    closeSync(fd);
    removeBarsFile(file);
  }
}

export function removeBarsFile(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone (the other side removed it).
  }
}

function closeQuiet(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // nothing to do
  }
}
