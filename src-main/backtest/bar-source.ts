/**
 * Where a run's bars come from. The engine wants columns; today they come from CSV files (CLI,
 * tests, the data dir's `datasets/` folder); the data-import store (`bars.query`, chunked columns
 * in SQLite) will implement the same interface and replace the directory source in core.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BarColumns } from './engine/types.js';
import { parseBarsCsv } from './csv-bars.js';
import { AppError } from '../errors.js';

export interface DatasetInfo {
  id: string;
  name: string;
}

export interface BarSource {
  /** Bars of a dataset, optionally limited to [from, to] (inclusive, ms epoch). */
  load(datasetId: string, from?: number | null, to?: number | null): Promise<BarColumns>;
  list(): Promise<DatasetInfo[]>;
}

/** Inclusive time slice of columns (views, no copy). */
export function sliceColumns(c: BarColumns, from?: number | null, to?: number | null): BarColumns {
  let a = 0;
  let b = c.ts.length;
  if (from !== undefined && from !== null) while (a < b && (c.ts[a] as number) < from) a++;
  if (to !== undefined && to !== null) while (b > a && (c.ts[b - 1] as number) > to) b--;
  if (a === 0 && b === c.ts.length) return c;
  return {
    ts: c.ts.subarray(a, b),
    open: c.open.subarray(a, b),
    high: c.high.subarray(a, b),
    low: c.low.subarray(a, b),
    close: c.close.subarray(a, b),
    volume: c.volume.subarray(a, b),
  };
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * CSV files as datasets: a fixed map of id → file (CLI, tests) plus, optionally, every `*.csv`
 * in a folder (id = file name without `.csv`). Parsed files are cached by id.
 */
export class CsvBarSource implements BarSource {
  private readonly cache = new Map<string, BarColumns>();
  constructor(
    private readonly files: Record<string, string> = {},
    private readonly dir?: string,
  ) {}

  async list(): Promise<DatasetInfo[]> {
    const out = Object.keys(this.files).map((id) => ({ id, name: path.basename(this.files[id] as string) }));
    if (this.dir && existsSync(this.dir)) {
      for (const f of readdirSync(this.dir).sort()) {
        if (f.endsWith('.csv')) out.push({ id: f.slice(0, -4), name: f });
      }
    }
    return out;
  }

  async load(datasetId: string, from?: number | null, to?: number | null): Promise<BarColumns> {
    let cols = this.cache.get(datasetId);
    if (!cols) {
      const file = this.resolve(datasetId);
      cols = parseBarsCsv(readFileSync(file, 'utf8'));
      this.cache.set(datasetId, cols);
    }
    return sliceColumns(cols, from, to);
  }

  private resolve(id: string): string {
    const mapped = this.files[id];
    if (mapped) return mapped;
    if (this.dir && SAFE_ID.test(id)) {
      const file = path.join(this.dir, `${id}.csv`);
      if (path.dirname(file) === path.resolve(this.dir) && existsSync(file)) return file;
    }
    throw new AppError('NOT_FOUND', `Dataset ${id} was not found.`, { id });
  }
}
