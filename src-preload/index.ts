/**
 * The preload: exposes `window.api`, generated from the contract, and nothing else. No logic
 * lives here; every input is validated again in main.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { buildApi } from './build-api.js';
import { channelNames } from './contract.js';
import { EVENT_CHANNEL } from './ipc-names.js';
import type { Result } from './errors.js';

const api = buildApi(
  channelNames,
  (channel, input) => ipcRenderer.invoke(channel, input) as Promise<Result<unknown>>,
  (event, listener) => {
    const handler = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
);

contextBridge.exposeInMainWorld('api', api);
