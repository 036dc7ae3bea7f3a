import { create } from 'zustand';
import type { ChannelInput } from '../../../src-preload/contract';
import type { RateLimitStatus } from '../../../src-preload/contract/ratelimit';
import type { ErrorPayload, Result } from '../../../src-preload/errors';
import { api } from '../api';

type ConfigureInput = ChannelInput<'ratelimit.configure'>;
type ConfigureOutput = RateLimitStatus & { passwordPersisted: boolean };

interface RateLimitState {
  status: RateLimitStatus | null;
  error: ErrorPayload | null;
  /** Bumped on every successful save, so forms built from the status start over from it. */
  savedVersion: number;
  /** What the last save means for the user, shown under the form. */
  notice: string | null;
  refresh(): Promise<void>;
  configure(input: ConfigureInput): Promise<Result<ConfigureOutput>>;
}

export const useRateLimits = create<RateLimitState>((set, get) => ({
  status: null,
  error: null,
  savedVersion: 0,
  notice: null,
  async refresh() {
    const r = await api.ratelimit.status();
    set(r.ok ? { status: r.data, error: null } : { error: r.error });
  },
  async configure(input) {
    const r = await api.ratelimit.configure(input);
    if (r.ok) {
      set({
        status: r.data,
        error: null,
        savedVersion: get().savedVersion + 1,
        notice: r.data.passwordPersisted
          ? 'Saved.'
          : 'Saved. The Redis password is used until Quantdesk restarts: no secure store is available to keep it.',
      });
    }
    return r;
  },
}));
