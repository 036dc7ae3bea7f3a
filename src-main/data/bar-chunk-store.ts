import type Database from 'better-sqlite3';
import { allocColumnsUnfilled, COLUMN_NAMES, mergeSorted, sliceColumns, type BarColumns } from './columns.js';

/** Bars per chunk row: big enough that reads are a few memcpys, small enough to rewrite cheaply. */
export const CHUNK_BARS = 4096;

interface ChunkRow {
  start_ts: number;
  end_ts: number;
  count: number;
  ts: Buffer;
  open: Buffer;
  high: Buffer;
  low: Buffer;
  close: Buffer;
  volume: Buffer;
}

/** The column bytes as SQLite stores them (little-endian doubles; every supported platform is LE). */
const asBlob = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/**
 * Bars stored by column, one row per dataset and time chunk. Writing a merge only rewrites the
 * chunks the new bars overlap; the rest stay untouched.
 */
export class BarChunkStore {
  private readonly overlapping: Database.Statement<[string, number, number], ChunkRow>;
  private readonly all: Database.Statement<[string], ChunkRow>;
  private readonly insert: Database.Statement;
  private readonly deleteRange: Database.Statement<[string, number, number]>;

  constructor(private readonly sqlite: Database.Database) {
    // end_ts >= from and start_ts <= to: chunks never overlap, so this is the chunks touching [from, to].
    this.overlapping = sqlite.prepare(
      'select * from bar_chunks where dataset_id = ? and end_ts >= ? and start_ts <= ? order by start_ts',
    );
    this.all = sqlite.prepare('select * from bar_chunks where dataset_id = ? order by start_ts');
    this.insert = sqlite.prepare(
      `insert into bar_chunks (dataset_id, start_ts, end_ts, count, ts, open, high, low, close, volume)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.deleteRange = sqlite.prepare(
      'delete from bar_chunks where dataset_id = ? and end_ts >= ? and start_ts <= ?',
    );
  }

  /** Must run inside the caller's transaction. `bars` are sorted and duplicate-free. */
  merge(datasetId: string, bars: BarColumns): void {
    const n = bars.ts.length;
    if (n === 0) return;
    const from = bars.ts[0]!;
    const to = bars.ts[n - 1]!;
    const existing = this.overlapping.all(datasetId, from, to);
    const merged = existing.length === 0 ? bars : mergeSorted(concatRows(existing), bars);
    this.deleteRange.run(datasetId, from, to);
    this.write(datasetId, merged);
  }

  /** Replaces every chunk of the dataset (rebuilds). Inside the caller's transaction. */
  replace(datasetId: string, bars: BarColumns): void {
    this.deleteAll(datasetId);
    this.write(datasetId, bars);
  }

  deleteAll(datasetId: string): void {
    this.sqlite.prepare('delete from bar_chunks where dataset_id = ?').run(datasetId);
  }

  /** Bars with from <= ts <= to (either bound optional), as fresh columns. */
  read(datasetId: string, from?: number, to?: number): BarColumns {
    const rows =
      from === undefined && to === undefined
        ? this.all.all(datasetId)
        : this.overlapping.all(datasetId, from ?? -Infinity, to ?? Infinity);
    const cols = concatRows(rows);
    const lo = from === undefined ? 0 : lowerBound(cols.ts, from);
    const hi = to === undefined ? cols.ts.length : upperBound(cols.ts, to);
    return lo === 0 && hi === cols.ts.length ? cols : sliceColumns(cols, lo, hi);
  }

  stats(datasetId: string): { count: number; firstTs: number; lastTs: number } {
    const r = this.sqlite
      .prepare(
        'select sum(count) as n, min(start_ts) as f, max(end_ts) as l from bar_chunks where dataset_id = ?',
      )
      .get(datasetId) as { n: number | null; f: number | null; l: number | null };
    return { count: r.n ?? 0, firstTs: r.f ?? 0, lastTs: r.l ?? 0 };
  }

  private write(datasetId: string, bars: BarColumns): void {
    const n = bars.ts.length;
    for (let s = 0; s < n; s += CHUNK_BARS) {
      const e = Math.min(n, s + CHUNK_BARS);
      const c = sliceColumns(bars, s, e);
      this.insert.run(
        datasetId,
        c.ts[0],
        c.ts[e - s - 1],
        e - s,
        asBlob(c.ts),
        asBlob(c.open),
        asBlob(c.high),
        asBlob(c.low),
        asBlob(c.close),
        asBlob(c.volume),
      );
    }
  }
}

/** Copies chunk BLOBs into one set of columns (byte copies: BLOBs need not be 8-byte aligned). */
function concatRows(rows: readonly ChunkRow[]): BarColumns {
  let total = 0;
  for (const r of rows) total += r.count;
  const out = allocColumnsUnfilled(total);
  let at = 0;
  for (const r of rows) {
    for (const k of COLUMN_NAMES) {
      const blob = r[k];
      new Uint8Array(out[k].buffer, at * 8, r.count * 8).set(blob.subarray(0, r.count * 8));
    }
    at += r.count;
  }
  return out;
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
