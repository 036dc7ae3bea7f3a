import type { Result } from './errors.js';

export type Invoke = (channel: string, input: unknown) => Promise<Result<unknown>>;
export type Subscribe = (event: string, listener: (payload: unknown) => void) => () => void;

/**
 * Builds the nested `api.domain.action(input)` object from the channel names. Used by the
 * preload (over ipcRenderer) and by the browser harness (over a WebSocket), so both expose the
 * very same shape. Plain objects and functions only: contextBridge cannot pass a Proxy.
 */
export function buildApi(channelNames: readonly string[], invoke: Invoke, subscribe: Subscribe): unknown {
  const api: Record<string, Record<string, (input?: unknown) => Promise<Result<unknown>>> | Subscribe> = {
    on: subscribe,
  };
  for (const name of channelNames) {
    const dot = name.indexOf('.');
    const domain = name.slice(0, dot);
    const action = name.slice(dot + 1);
    const group = (api[domain] ??= {}) as Record<string, (input?: unknown) => Promise<Result<unknown>>>;
    group[action] = (input?: unknown) => invoke(name, input);
  }
  return api;
}
