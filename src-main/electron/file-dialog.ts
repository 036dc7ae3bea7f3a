import type { FileDialog } from '../data/handlers.js';
import type { ElectronLike } from './electron-like.js';

/** The data import's file picker: Electron's open dialog, run in main, so the renderer never names a path. */
export function electronFileDialog(dialog: NonNullable<ElectronLike['dialog']>): FileDialog {
  return {
    async openFile() {
      const r = await dialog.showOpenDialog({
        title: 'Import market data',
        properties: ['openFile'],
        filters: [
          { name: 'CSV files', extensions: ['csv', 'tsv', 'txt'] },
          { name: 'All files', extensions: ['*'] },
        ],
      });
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  };
}
