/**
 * Backtests read the bars traders imported (chunked columns in SQLite, through the same cached
 * range query as `bars.query`), and, after those, CSV files dropped into `<dataDir>/datasets/`
 * (the CLI's and power users' shortcut).
 */
import type { BarsQuery } from '../data/bars-query.js';
import type { DatasetRepo } from '../data/datasets.js';
import { AppError } from '../errors.js';
import type { BarSource, DatasetInfo } from './bar-source.js';
import type { BarColumns } from './engine/types.js';

export class StoredBarSource implements BarSource {
  constructor(
    private readonly deps: { query: BarsQuery; datasets: DatasetRepo; userId: string },
    private readonly fallback?: BarSource,
  ) {}

  async list(): Promise<DatasetInfo[]> {
    const stored = this.deps.datasets.list(this.deps.userId).map((d) => ({
      id: d.id,
      name: `${d.symbol} ${d.timeframe} (${d.rowCount.toLocaleString('en-US')} bars)`,
    }));
    return this.fallback ? [...stored, ...(await this.fallback.list())] : stored;
  }

  /**
   * Returns the bars cache's own object: the engine only reads it, crossing to a sandbox host
   * copies it (child-process IPC cannot transfer), and its identity is what lets the sandbox
   * runner skip re-sending bars a host already holds. An import or delete invalidates the cache
   * entry, so changed bars arrive as a new object.
   */
  async load(datasetId: string, from?: number | null, to?: number | null): Promise<BarColumns> {
    const known = this.deps.datasets.list(this.deps.userId).some((d) => d.id === datasetId);
    if (known) {
      return this.deps.query.query(datasetId, from ?? undefined, to ?? undefined);
    }
    if (this.fallback) return this.fallback.load(datasetId, from, to);
    throw new AppError('NOT_FOUND', `Dataset ${datasetId} was not found.`, { id: datasetId });
  }
}
