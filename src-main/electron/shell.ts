import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { channelNames } from '../../src-preload/contract.js';
import { EVENT_CHANNEL } from '../../src-preload/ipc-names.js';
import type { Core, CoreOptions } from '../core.js';
import type { BrowserWindowLike, ElectronLike } from './electron-like.js';
import { electronFileDialog } from './file-dialog.js';
import {
  CONTENT_SECURITY_POLICY,
  SECURE_WEB_PREFERENCES,
  devContentSecurityPolicy,
  trustedFrameCheck,
} from './security.js';

export interface ShellPaths {
  /** Compiled preload script (CommonJS, for the sandboxed renderer). */
  preload: string;
  /** The built renderer's index.html. */
  rendererHtml: string;
  /** Set by `electron-vite dev`: the renderer then comes from Vite's dev server. */
  devUrl?: string | undefined;
  /** Overrides `app.getPath('userData')` (QD_DATA_DIR): portable installs and end-to-end tests. */
  dataDir?: string | undefined;
}

export interface ShellDeps {
  createCore(options: CoreOptions): Promise<Core>;
}

export interface Shell {
  core: Core;
  window: BrowserWindowLike;
}

/**
 * Starts Quantdesk inside Electron: one locked-down window, the core on the user's data folder,
 * and every contract channel bound to ipcMain. Returns null when another instance already runs.
 */
export async function startShell(
  electron: ElectronLike,
  deps: ShellDeps,
  paths: ShellPaths,
): Promise<Shell | null> {
  const { app, BrowserWindow, ipcMain, session } = electron;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  await app.whenReady();

  const rendererFileUrl = pathToFileURL(path.resolve(paths.rendererHtml)).href;
  const core = await deps.createCore({
    dataDir: paths.dataDir ?? app.getPath('userData'),
    isTrustedFrame: trustedFrameCheck(rendererFileUrl, paths.devUrl),
    dialog: electron.dialog ? electronFileDialog(electron.dialog) : undefined,
  });

  const csp = paths.devUrl ? devContentSecurityPolicy(new URL(paths.devUrl).origin) : CONTENT_SECURITY_POLICY;
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });

  for (const name of channelNames) {
    ipcMain.handle(name, (event, input) => {
      const frameUrl = event.senderFrame?.url ?? 'about:blank';
      return core.invoke(name, input, { frameUrl });
    });
  }

  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Quantdesk',
    backgroundColor: '#111418',
    webPreferences: { preload: paths.preload, ...SECURE_WEB_PREFERENCES },
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.once('ready-to-show', () => win.show());

  const offEvents = core.onAny((name, payload) => {
    if (!win.webContents.isDestroyed()) win.webContents.send(EVENT_CHANNEL, name, payload);
  });

  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => {
    offEvents();
    void core.close();
  });

  if (paths.devUrl) await win.loadURL(paths.devUrl);
  else await win.loadFile(paths.rendererHtml);
  return { core, window: win };
}
