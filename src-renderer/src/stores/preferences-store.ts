import { create } from 'zustand';
import type { Preferences } from '../../../src-preload/contract/user';
import type { ErrorPayload } from '../../../src-preload/errors';
import { api } from '../api';

type Mode = 'beginner' | 'expert';

interface PreferencesState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  prefs: Preferences | null;
  mode: Mode | null;
  error: ErrorPayload | null;
  saving: boolean;
  load(): Promise<void>;
  update(patch: Partial<Preferences>): Promise<void>;
  setMode(mode: Mode): Promise<void>;
}

export const usePreferences = create<PreferencesState>((set, get) => ({
  status: 'idle',
  prefs: null,
  mode: null,
  error: null,
  saving: false,
  async load() {
    set({ status: 'loading', error: null });
    const [prefs, mode] = await Promise.all([api.user.getPreferences(), api.user.getMode()]);
    if (!prefs.ok) return set({ status: 'error', error: prefs.error });
    if (!mode.ok) return set({ status: 'error', error: mode.error });
    set({ status: 'ready', prefs: prefs.data, mode: mode.data.mode });
  },
  // Optimistic: a control shows its new value at once (a controlled radio or select would
  // otherwise snap back until the round trip ends) and returns to the stored value if main
  // refuses the change.
  async update(patch) {
    const before = get().prefs;
    set({ saving: true, error: null, prefs: before ? { ...before, ...patch } : before });
    const r = await api.user.updatePreferences(patch);
    set(r.ok ? { saving: false, prefs: r.data } : { saving: false, prefs: before, error: r.error });
  },
  async setMode(mode) {
    const before = get().mode;
    set({ saving: true, error: null, mode });
    const r = await api.user.setMode({ mode });
    set(r.ok ? { saving: false, mode: r.data.mode } : { saving: false, mode: before, error: r.error });
  },
}));
