import type Database from 'better-sqlite3';
import type { Logger } from '../logger.js';
import { FileStore, type FreeDiskProbe } from '../storage/file-store.js';
import { storageHandlers } from '../storage/handlers.js';
import { ImportHistory } from '../storage/import-history.js';
import { DEFAULT_QUOTA, QuotaManager, type QuotaLimits } from '../storage/quota-manager.js';
import { recoverStorage, type RecoveryReport } from '../storage/recovery.js';
import { BarChunkStore } from './bar-chunk-store.js';
import { BarsQuery } from './bars-query.js';
import { DatasetRepo } from './datasets.js';
import { FileDeletion } from './file-deletion.js';
import { dataHandlers, type FileDialog } from './handlers.js';
import { ImportService } from './import-service.js';

export interface DataModuleOptions {
  sqlite: Database.Database;
  dataDir: string;
  logger: Logger;
  now: () => number;
  quota?: Partial<QuotaLimits> | undefined;
  dialog?: FileDialog | undefined;
  freeDiskBytes?: FreeDiskProbe | undefined;
}

/** Market data import, storage and bars, built from plain options; recovery runs first. */
export function createDataModule(o: DataModuleOptions) {
  // Bars are read as large BLOB ranges: memory-mapped reads skip a read() per page.
  o.sqlite.pragma('mmap_size = 1073741824');
  const files = new FileStore(o.dataDir, o.freeDiskBytes);
  const history = new ImportHistory(o.sqlite, o.now);
  const recovery: RecoveryReport = recoverStorage(o.sqlite, files, history, o.logger, o.now());
  const quota = new QuotaManager(o.sqlite, { ...DEFAULT_QUOTA, ...o.quota });
  const bars = new BarChunkStore(o.sqlite);
  const query = new BarsQuery(bars);
  const datasets = new DatasetRepo(o.sqlite, bars);
  const common = { sqlite: o.sqlite, files, logger: o.logger, now: o.now, datasets, query };
  const imports = new ImportService({ ...common, quota, history });
  const deletion = new FileDeletion({ ...common, bars });
  return {
    recovery,
    imports,
    quota,
    files,
    query,
    datasets,
    handlers: {
      ...dataHandlers({ imports, history, datasets, query, dialog: o.dialog }),
      ...storageHandlers({ sqlite: o.sqlite, quota, deletion }),
    },
  };
}

export type DataModule = ReturnType<typeof createDataModule>;
