import { useEffect } from 'react';
import type { SyncStatus } from '../../../src-preload/contract/sync';
import { useNav } from '../stores/nav-store';
import { useSync } from '../stores/sync-store';

/** Polling is cheap (sync.status is an `interactive` read) and needs no event plumbing. */
const POLL_MS = 10_000;

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export function describeSync(
  s: SyncStatus,
  now: number,
): { tone: 'off' | 'ok' | 'busy' | 'warn' | 'bad'; text: string } {
  if (s.state === 'off') return { tone: 'off', text: 'Sync off' };
  if (s.state === 'syncing') return { tone: 'busy', text: 'Syncing…' };
  if (s.state === 'stopped') {
    const why =
      s.error?.code === 'QUOTA_EXCEEDED'
        ? 'server storage full'
        : s.error?.reason === 'CLOCK_DRIFT'
          ? 'check the clock'
          : 'needs attention';
    return { tone: 'bad', text: `Sync stopped: ${why}` };
  }
  if (s.state === 'error')
    return { tone: 'warn', text: s.pending > 0 ? `Offline · ${s.pending} to sync` : 'Offline' };
  if (s.pending > 0) return { tone: 'busy', text: `${s.pending} to sync` };
  return { tone: 'ok', text: s.lastSyncAt ? `Synced ${ago(now - s.lastSyncAt)}` : 'Synced' };
}

/** The sidebar's sync light: state in a word or two; a click opens Settings → Sync. */
export function SyncIndicator() {
  const { status, checkedAt, refresh } = useSync();
  const go = useNav((s) => s.go);
  useEffect(() => {
    void refresh();
    const t = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(t);
  }, [refresh]);
  if (!status) return null;
  const { tone, text } = describeSync(status, checkedAt);
  return (
    <button
      type="button"
      className={`sync-indicator sync-${tone}`}
      data-testid="sync-indicator"
      title={status.error?.message ?? text}
      onClick={() => go('settings')}
    >
      <span className="sync-dot" aria-hidden="true" />
      {text}
    </button>
  );
}
