import type { Api } from '../../src-preload/contract';

declare global {
  interface Window {
    /** Exposed by the preload in Electron; absent in the browser harness (see api/index.ts). */
    api?: Api;
  }
}
export {};
