import { useEffect, useState } from 'react';
import { RATE_CATEGORIES, type RateCategory } from '../../../../src-preload/contract/define';
import type { RateLimitConfig, RateLimitStatus } from '../../../../src-preload/contract/ratelimit';
import type { ErrorPayload } from '../../../../src-preload/errors';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useRateLimits } from '../../stores/ratelimit-store';

const LABELS: Record<RateCategory, string> = {
  interactive: 'Screens and lists',
  default: 'Changes',
  backtest: 'Backtests and sandbox runs',
  api_key: 'Secret and key changes',
  anonymous: 'Signed-out calls to the sync server',
};

const BACKEND_TEXT: Record<RateLimitStatus['backend'], string> = {
  memory: 'Limits are kept on this computer only.',
  redis: 'Limits are shared through Redis with your other Quantdesk installations.',
  fallback:
    'Redis is not answering: limits are kept on this computer until it is back (it reconnects by itself).',
};

/** Live status every few seconds: remaining tokens and whether Redis answers. */
const POLL_MS = 3_000;

type Draft = Record<RateCategory, { limit: string; periodS: string; burst: string }>;

const toDraft = (s: RateLimitStatus): Draft =>
  Object.fromEntries(
    RATE_CATEGORIES.map((c) => {
      const x = s.categories[c];
      return [
        c,
        {
          limit: String(x.limit),
          periodS: String(x.periodMs / 1000),
          burst: x.burst === null ? '' : String(x.burst),
        },
      ];
    }),
  ) as Draft;

function fromDraft(d: Draft[RateCategory]): RateLimitConfig | string {
  const limit = Number(d.limit);
  const periodMs = Math.round(Number(d.periodS) * 1000);
  if (!Number.isInteger(limit) || limit < 1) return 'The limit must be a whole number of at least 1.';
  if (!Number.isFinite(periodMs) || periodMs < 1000) return 'The period must be at least 1 second.';
  if (d.burst.trim() === '') return { limit, periodMs };
  const burst = Number(d.burst);
  if (!Number.isInteger(burst) || burst < 1)
    return 'The burst must be empty or a whole number of at least 1.';
  return { limit, periodMs, burst };
}

/** Settings → Rate limits: categories, the Redis URL (password kept apart) and the live status. */
export function RateLimitSection() {
  const { status, error, refresh, savedVersion, notice } = useRateLimits();

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  return (
    <fieldset className="panel rate-limits">
      <legend>Rate limits</legend>
      {error && <ErrorMessage error={error} />}
      {status && (
        <>
          <p className="hint" data-backend={status.backend} aria-live="polite">
            Backend: <strong>{status.backend}</strong>. {BACKEND_TEXT[status.backend]}
          </p>
          {/* Keyed by save: the form starts from the saved values, then keeps its edits while the status refreshes. */}
          <RateLimitForm key={savedVersion} status={status} />
          {notice && <p className="hint">{notice}</p>}
        </>
      )}
    </fieldset>
  );
}

function RateLimitForm({ status }: { status: RateLimitStatus }) {
  const configure = useRateLimits((s) => s.configure);
  const [draft, setDraft] = useState<Draft>(() => toDraft(status));
  const [redisUrl, setRedisUrl] = useState(status.redisUrl ?? '');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ErrorPayload | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function save() {
    setError(null);
    setNote(null);
    const categories: Partial<Record<RateCategory, RateLimitConfig>> = {};
    for (const c of RATE_CATEGORIES) {
      const parsed = fromDraft(draft[c]);
      if (typeof parsed === 'string') return setNote(`${LABELS[c]}: ${parsed}`);
      // Only changed categories are saved: an untouched one keeps following the default.
      const now = status.categories[c];
      if (
        parsed.limit !== now.limit ||
        parsed.periodMs !== now.periodMs ||
        (parsed.burst ?? null) !== now.burst
      ) {
        categories[c] = parsed;
      }
    }
    const url = redisUrl.trim();
    let nextUrl: string | null = null;
    if (url !== '') {
      try {
        const u = new URL(url);
        if (password !== '') u.password = encodeURIComponent(password);
        nextUrl = u.toString();
      } catch {
        return setNote('The Redis URL is not valid, e.g. redis://127.0.0.1:6379.');
      }
    }
    // Leave the connection (and a kept password) alone when neither the URL nor the password changed.
    const urlChanged = password !== '' || (nextUrl ?? null) !== status.redisUrl;
    if (!urlChanged && Object.keys(categories).length === 0) return setNote('Nothing changed.');
    setSaving(true);
    const r = await configure({ categories, ...(urlChanged ? { redisUrl: nextUrl } : {}) });
    setSaving(false);
    if (!r.ok) return setError(r.error);
    // On success the store bumps savedVersion and this form is rebuilt from the saved values.
  }

  const edit = (c: RateCategory, field: keyof Draft[RateCategory], value: string) =>
    setDraft({ ...draft, [c]: { ...draft[c], [field]: value } });

  return (
    <>
      {error && <ErrorMessage error={error} />}
      <table className="table">
        <thead>
          <tr>
            <th>Category</th>
            <th>Requests</th>
            <th>Per (seconds)</th>
            <th>Burst</th>
            <th>Left now</th>
          </tr>
        </thead>
        <tbody>
          {RATE_CATEGORIES.map((c) => (
            <tr key={c}>
              <td>{LABELS[c]}</td>
              <td>
                <input
                  aria-label={`${LABELS[c]} limit`}
                  type="number"
                  min={1}
                  value={draft[c].limit}
                  onChange={(e) => edit(c, 'limit', e.target.value)}
                />
              </td>
              <td>
                <input
                  aria-label={`${LABELS[c]} period`}
                  type="number"
                  min={1}
                  value={draft[c].periodS}
                  onChange={(e) => edit(c, 'periodS', e.target.value)}
                />
              </td>
              <td>
                <input
                  aria-label={`${LABELS[c]} burst`}
                  type="number"
                  min={1}
                  placeholder="= limit"
                  value={draft[c].burst}
                  onChange={(e) => edit(c, 'burst', e.target.value)}
                />
              </td>
              <td>
                {status.categories[c].remaining} / {status.categories[c].capacity}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <label>
        Redis URL (empty: this computer only)
        <input
          aria-label="Redis URL"
          type="text"
          placeholder="redis://127.0.0.1:6379"
          value={redisUrl}
          onChange={(e) => setRedisUrl(e.target.value)}
        />
      </label>
      <label>
        Redis password {status.redisPasswordSet && '(one is in use; leave empty to keep it)'}
        <input
          aria-label="Redis password"
          type="password"
          autoComplete="off"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {note && <p className="hint">{note}</p>}
      <button type="button" className="primary" disabled={saving} onClick={() => void save()}>
        Save rate limits
      </button>
    </>
  );
}
