/**
 * The Electron binary cannot be downloaded here, so this test drives shell.ts with a small fake
 * of the Electron APIs it calls (the fake is the only mock; the core behind it is real).
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { channelNames } from '../../src-preload/contract.js';
import { EVENT_CHANNEL } from '../../src-preload/ipc-names.js';
import { createCore } from '../../src-main/core.js';
import type {
  BrowserWindowOptionsLike,
  ElectronLike,
  IpcMainInvokeEventLike,
  PermissionRequestHandler,
} from '../../src-main/electron/electron-like.js';
import { CONTENT_SECURITY_POLICY } from '../../src-main/electron/security.js';
import { startShell, type Shell } from '../../src-main/electron/shell.js';
import { tempDir } from '../helpers/temp-core.js';

function fakeElectron(userData: string, opts: { locked?: boolean } = {}) {
  const handlers = new Map<string, (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown>();
  const appListeners = new Map<string, () => void>();
  const sent: unknown[][] = [];
  const calls = { quit: 0, loadFile: [] as string[], loadURL: [] as string[] };
  let permissionHandler: PermissionRequestHandler | null = null;
  let headersListener:
    | ((
        d: { responseHeaders?: Record<string, string[]> },
        cb: (r: { responseHeaders?: Record<string, string[] | string> }) => void,
      ) => void)
    | null = null;
  let navigate: ((e: { preventDefault(): void }, url: string) => void) | null = null;
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null;
  const windows: BrowserWindowOptionsLike[] = [];
  const session = {
    setPermissionRequestHandler: (h: PermissionRequestHandler | null) => void (permissionHandler = h),
    setPermissionCheckHandler: () => undefined,
    webRequest: { onHeadersReceived: (l: NonNullable<typeof headersListener>) => void (headersListener = l) },
  };
  class FakeWindow {
    webContents = {
      on: (_e: 'will-navigate', l: NonNullable<typeof navigate>) => void (navigate = l),
      setWindowOpenHandler: (h: NonNullable<typeof openHandler>) => void (openHandler = h),
      send: (...args: unknown[]) => void sent.push(args),
      isDestroyed: () => false,
      session,
    };
    constructor(options: BrowserWindowOptionsLike) {
      windows.push(options);
    }
    loadURL = async (u: string) => void calls.loadURL.push(u);
    loadFile = async (f: string) => void calls.loadFile.push(f);
    on = () => this;
    once = () => this;
    show = () => undefined;
    focus = () => undefined;
    isMinimized = () => false;
    restore = () => undefined;
  }
  const electron: ElectronLike = {
    app: {
      requestSingleInstanceLock: () => opts.locked !== true,
      quit: () => void calls.quit++,
      getPath: () => userData,
      whenReady: async () => undefined,
      on: (event: string, l: () => void) => appListeners.set(event, l),
    },
    BrowserWindow: FakeWindow,
    ipcMain: { handle: (c, l) => void handlers.set(c, l) },
    session: { defaultSession: session },
  };
  return {
    electron,
    handlers,
    sent,
    calls,
    windows,
    appListeners,
    get permissionHandler() {
      return permissionHandler;
    },
    get headersListener() {
      return headersListener;
    },
    get navigate() {
      return navigate;
    },
    get openHandler() {
      return openHandler;
    },
  };
}

const dirs: string[] = [];
const shells: Shell[] = [];
afterEach(async () => {
  for (const s of shells.splice(0)) await s.core.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const paths = { preload: '/app/out/preload/index.cjs', rendererHtml: '/app/out/renderer/index.html' };

describe('Electron shell (with a fake of the Electron APIs)', () => {
  it('opens one locked-down window, binds every channel and keeps data under userData', async () => {
    const userData = tempDir();
    dirs.push(userData);
    const fake = fakeElectron(userData);
    const shell = await startShell(fake.electron, { createCore }, paths);
    expect(shell).not.toBeNull();
    shells.push(shell!);

    expect(fake.windows).toHaveLength(1);
    expect(fake.windows[0]?.webPreferences).toMatchObject({
      preload: paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(shell!.core.dataDir).toBe(userData);
    expect(fake.calls.loadFile).toEqual([paths.rendererHtml]);
    expect([...fake.handlers.keys()].sort()).toEqual([...channelNames].sort());

    // navigation and window.open are blocked, permissions denied, CSP set on every response
    let prevented = false;
    fake.navigate?.({ preventDefault: () => void (prevented = true) }, 'https://example.com');
    expect(prevented).toBe(true);
    expect(fake.openHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    let granted: boolean | undefined;
    fake.permissionHandler?.(null, 'media', (g) => void (granted = g));
    expect(granted).toBe(false);
    let headers: Record<string, string[] | string> | undefined;
    fake.headersListener?.({ responseHeaders: { 'X-A': ['1'] } }, (r) => void (headers = r.responseHeaders));
    expect(headers?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
  });

  it('routes IPC through the core, refusing frames that are not the app’s own', async () => {
    const userData = tempDir();
    dirs.push(userData);
    const fake = fakeElectron(userData);
    const shell = (await startShell(fake.electron, { createCore }, paths))!;
    shells.push(shell);
    const own = { senderFrame: { url: pathToFileURL(path.resolve(paths.rendererHtml)).href } };
    const handler = fake.handlers.get('user.setMode')!;
    expect(await handler(own, { mode: 'expert' })).toMatchObject({ ok: true, data: { mode: 'expert' } });
    expect(
      await handler({ senderFrame: { url: 'https://evil.example/' } }, { mode: 'beginner' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await handler({ senderFrame: null }, { mode: 'beginner' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await handler(own, { mode: 'root' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    // events reach the window over the one event channel
    await fake.handlers.get('user.updatePreferences')!(own, { theme: 'dark' });
    expect(fake.sent).toContainEqual([
      EVENT_CHANNEL,
      'preferences.changed',
      expect.objectContaining({ theme: 'dark' }),
    ]);
  });

  it('quits when another instance holds the lock', async () => {
    const userData = tempDir();
    dirs.push(userData);
    const fake = fakeElectron(userData, { locked: true });
    expect(await startShell(fake.electron, { createCore }, paths)).toBeNull();
    expect(fake.calls.quit).toBe(1);
    expect(fake.windows).toHaveLength(0);
  });
});
