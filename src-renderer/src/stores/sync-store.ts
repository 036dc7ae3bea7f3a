import { create } from 'zustand';
import type { ChannelInput } from '../../../src-preload/contract';
import type { SyncStatus } from '../../../src-preload/contract/sync';
import type { ErrorPayload } from '../../../src-preload/errors';
import { api } from '../api';

interface SyncState {
  status: SyncStatus | null;
  /** When the status was read: "synced 2 min ago" is relative to this. */
  checkedAt: number;
  busy: boolean;
  /** The last failed action (configure, sync now, sign out); the status has the sync's own error. */
  error: ErrorPayload | null;
  refresh(): Promise<void>;
  configure(input: ChannelInput<'sync.configure'>): Promise<boolean>;
  syncNow(): Promise<void>;
  signOut(): Promise<void>;
}

export const useSync = create<SyncState>((set) => {
  const act = async (run: () => ReturnType<typeof api.sync.status>): Promise<boolean> => {
    set({ busy: true, error: null });
    const r = await run();
    const status = await api.sync.status();
    set({
      busy: false,
      error: r.ok ? null : r.error,
      status: status.ok ? status.data : null,
      checkedAt: Date.now(),
    });
    return r.ok;
  };
  return {
    status: null,
    checkedAt: 0,
    busy: false,
    error: null,
    async refresh() {
      const r = await api.sync.status();
      if (r.ok) set({ status: r.data, checkedAt: Date.now() });
    },
    configure: (input) => act(() => api.sync.configure(input)),
    syncNow: async () => void (await act(() => api.sync.now())),
    signOut: async () => void (await act(() => api.sync.signOut())),
  };
});
