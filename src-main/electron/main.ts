/** Electron entry point. Thin on purpose: everything testable lives in the core and shell.ts. */
import path from 'node:path';
import * as electron from 'electron';
import { createCore } from '../core.js';
import { startShell } from './shell.js';

const outDir = path.join(import.meta.dirname, '..');
startShell(
  electron,
  { createCore },
  {
    preload: path.join(outDir, 'preload', 'index.cjs'),
    rendererHtml: path.join(outDir, 'renderer', 'index.html'),
    devUrl: process.env.ELECTRON_RENDERER_URL,
    dataDir: process.env.QD_DATA_DIR,
  },
).catch((err: unknown) => {
  electron.dialog.showErrorBox('Quantdesk could not start', err instanceof Error ? err.message : String(err));
  electron.app.exit(1);
});
