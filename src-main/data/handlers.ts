import { AppError } from '../errors.js';
import type { Handlers } from '../ipc/router.js';
import type { ImportHistory } from '../storage/import-history.js';
import type { BarsQuery } from './bars-query.js';
import type { DatasetRepo } from './datasets.js';
import type { ImportService } from './import-service.js';

/** Chooses a file in main; the renderer never names a path. Electron's dialog in the app. */
export interface FileDialog {
  openFile(): Promise<string | null>;
}

type DataHandlers = Pick<
  Handlers,
  | 'data.importBytes'
  | 'data.importFromDialog'
  | 'data.cancelImport'
  | 'data.datasets'
  | 'data.history'
  | 'bars.query'
>;

export function dataHandlers(d: {
  imports: ImportService;
  history: ImportHistory;
  datasets: DatasetRepo;
  query: BarsQuery;
  dialog: FileDialog | undefined;
}): DataHandlers {
  return {
    'data.importBytes': (input, ctx) => d.imports.importBytes(ctx.userId, input, ctx.emit),
    'data.importFromDialog': async (input, ctx) => {
      if (!d.dialog)
        throw new AppError(
          'UNAVAILABLE',
          'There is no file dialog here. Drop the file onto the window instead.',
        );
      const file = await d.dialog.openFile();
      if (file === null) return null;
      return d.imports.importFile(ctx.userId, file, input ?? {}, ctx.emit);
    },
    'data.cancelImport': (input) => ({ cancelled: d.imports.cancel(input.importId) }),
    'data.datasets': (_input, ctx) => ({ items: d.datasets.list(ctx.userId) }),
    'data.history': (input, ctx) => {
      const q = { page: input?.page ?? 1, pageSize: input?.pageSize ?? 25, ...input };
      return { ...d.history.list(ctx.userId, q), page: q.page, pageSize: q.pageSize };
    },
    'bars.query': (input, ctx) => {
      const id = d.datasets.findLive(ctx.userId, input.symbol, input.timeframe);
      if (!id)
        throw new AppError('NOT_FOUND', `No ${input.timeframe} bars for ${input.symbol}. Import them first.`);
      const r = d.query.query(id, input.from, input.to, input.maxPoints);
      return { symbol: input.symbol, timeframe: input.timeframe, ...r };
    },
  };
}
