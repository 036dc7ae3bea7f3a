import type { Api } from '../../../src-preload/contract';
import { createWsApi } from './ws-api';

/**
 * The one way the renderer talks to main. In Electron the preload exposes `window.api`; in the
 * browser harness there is none, and the same API is built over the harness's WebSocket.
 */
function resolveApi(): Api {
  if (window.api) return window.api;
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/__qd`;
  return createWsApi(wsUrl);
}

export const api: Api = resolveApi();
