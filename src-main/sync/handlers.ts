import type { Handlers } from '../ipc/router.js';
import type { SyncClient } from './sync-client.js';

type SyncHandlers = Pick<Handlers, 'sync.configure' | 'sync.status' | 'sync.now' | 'sync.signOut'>;

export function syncHandlers(sync: SyncClient): SyncHandlers {
  return {
    'sync.configure': (input) => sync.configure(input),
    'sync.status': () => sync.status(),
    'sync.now': () => sync.syncNow(),
    'sync.signOut': () => sync.signOut(),
  };
}
