import { LRUCache } from 'lru-cache';
import { COLUMN_NAMES, type BarColumns } from './columns.js';
import type { BarChunkStore } from './bar-chunk-store.js';
import { downsampleOhlc } from './downsample.js';

export interface BarsResult extends BarColumns {
  count: number;
  downsampled: boolean;
}

/** Cache budget for hot ranges, in bytes of column data (1 M bars are 48 MB). */
const CACHE_BYTES = 256 * 1024 * 1024;

/**
 * Range reads with an LRU cache of recent answers. Entries are keyed by dataset, so an import
 * or delete drops exactly that dataset's entries. Cached arrays are shared: callers in the same
 * process must treat them as read-only (IPC callers get copies anyway).
 */
export class BarsQuery {
  private readonly cache = new LRUCache<string, BarsResult>({
    maxSize: CACHE_BYTES,
    sizeCalculation: (v) => Math.max(1, v.ts.byteLength * 6),
  });

  constructor(private readonly store: BarChunkStore) {}

  query(datasetId: string, from?: number, to?: number, maxPoints?: number): BarsResult {
    const key = `${datasetId}|${from ?? ''}|${to ?? ''}|${maxPoints ?? ''}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const full = this.store.read(datasetId, from, to);
    const picked =
      maxPoints !== undefined && full.ts.length > maxPoints ? downsampleOhlc(full, maxPoints) : full;
    const result: BarsResult = { ...compact(picked), count: picked.ts.length, downsampled: picked !== full };
    this.cache.set(key, result);
    return result;
  }

  invalidate(datasetId: string): void {
    const prefix = `${datasetId}|`;
    for (const key of [...this.cache.keys()]) if (key.startsWith(prefix)) this.cache.delete(key);
  }

  get cachedEntries(): number {
    return this.cache.size;
  }
}

/** A view into a larger buffer would be cloned whole over IPC: copy it down to its own bytes. */
function compact(c: BarColumns): BarColumns {
  const out = {} as BarColumns;
  for (const k of COLUMN_NAMES) {
    const a = c[k];
    out[k] = a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
  }
  return out;
}
