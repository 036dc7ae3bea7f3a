/**
 * The few Electron APIs the shell calls, as structural types. main.ts passes the real `electron`
 * module, so tsc checks it against these; the shell test passes a small fake (the Electron
 * binary cannot run here).
 */
export interface NavigationEventLike {
  preventDefault(): void;
}

export interface PermissionRequestHandler {
  (webContents: unknown, permission: string, callback: (granted: boolean) => void): void;
}

export interface SessionLike {
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void;
  setPermissionCheckHandler(handler: (() => boolean) | null): void;
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void,
      ) => void,
    ): void;
  };
}

export interface WebContentsLike {
  on(event: 'will-navigate', listener: (event: NavigationEventLike, url: string) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  session: SessionLike;
}

export interface BrowserWindowLike {
  webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  loadFile(file: string): Promise<void>;
  on(event: 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
}

export interface BrowserWindowOptionsLike {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: boolean;
    sandbox: boolean;
    nodeIntegration: boolean;
    webSecurity: boolean;
    webviewTag: boolean;
    allowRunningInsecureContent: boolean;
  };
}

export interface IpcMainInvokeEventLike {
  senderFrame: { url: string } | null;
}

export interface ElectronLike {
  app: {
    requestSingleInstanceLock(): boolean;
    quit(): void;
    getPath(name: 'userData'): string;
    whenReady(): Promise<void>;
    on(event: 'second-instance', listener: () => void): unknown;
    on(event: 'window-all-closed', listener: () => void): unknown;
    on(event: 'before-quit', listener: () => void): unknown;
  };
  BrowserWindow: new (options: BrowserWindowOptionsLike) => BrowserWindowLike;
  ipcMain: {
    handle(channel: string, listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => unknown): void;
  };
  session: { defaultSession: SessionLike };
  /** The data import's file picker (optional so fakes without it still fit). */
  dialog?: {
    showOpenDialog(options: {
      title: string;
      properties: 'openFile'[];
      filters: { name: string; extensions: string[] }[];
    }): Promise<{ canceled: boolean; filePaths: string[] }>;
  };
}
