import { buildApi } from '../../../src-preload/build-api';
import { channelNames, type Api } from '../../../src-preload/contract';
import type { Result } from '../../../src-preload/errors';
import { decodeWire, encodeWire, type WireMessage } from '../../../src-preload/wire-codec';

/**
 * `window.api` for the browser harness: the same contract-generated object as the preload's,
 * carried over a WebSocket to a core running under Node (scripts/harness.ts).
 */
export function createWsApi(url: string): Api {
  let nextId = 1;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: Promise<WebSocket> | null = null;

  const connect = (): Promise<WebSocket> =>
    (socket ??= new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error('harness socket failed'));
      ws.onclose = () => {
        socket = null;
        for (const done of pending.values()) {
          done({ ok: false, error: { code: 'UNAVAILABLE', message: 'Lost the connection to Quantdesk.' } });
        }
        pending.clear();
      };
      ws.onmessage = (m) => {
        const msg = decodeWire(String(m.data)) as WireMessage;
        if ('id' in msg) {
          pending.get(msg.id)?.(msg.result as Result<unknown>);
          pending.delete(msg.id);
        } else {
          for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
        }
      };
    }));

  const invoke = async (channel: string, input: unknown): Promise<Result<unknown>> => {
    const ws = await connect();
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      ws.send(encodeWire({ id, channel, input }));
    });
  };

  const subscribe = (event: string, listener: (payload: unknown) => void): (() => void) => {
    void connect();
    const set = listeners.get(event) ?? new Set();
    set.add(listener);
    listeners.set(event, set);
    return () => set.delete(listener);
  };

  return buildApi(channelNames, invoke, subscribe) as Api;
}
