import { useEffect, useState } from 'react';
import type { ErrorPayload } from '../../../src-preload/errors';

/**
 * A RATE_LIMITED error as a person reads it: what happened and a live countdown until the same
 * action is allowed again (main guarantees a request after `retryAfterMs` is allowed).
 */
export function RateLimitedMessage({
  error,
  onRetry,
}: {
  error: ErrorPayload;
  onRetry?: (() => void) | undefined;
}) {
  const retryAfterMs = typeof error.details?.retryAfterMs === 'number' ? error.details.retryAfterMs : 0;
  // The deadline is fixed when this error first shows, not on every render.
  const [deadline] = useState(() => Date.now() + retryAfterMs);
  const [left, setLeft] = useState(() => Math.max(0, deadline - Date.now()));

  const done = left <= 0;
  useEffect(() => {
    if (done) return;
    const timer = setInterval(() => setLeft(Math.max(0, deadline - Date.now())), 250);
    return () => clearInterval(timer);
  }, [deadline, done]);

  const seconds = Math.ceil(left / 1000);
  return (
    <div role="alert" className="error-message" data-code={error.code}>
      <strong>You are doing this faster than Quantdesk allows.</strong>
      <span aria-live="polite">
        {seconds > 0 ? `You can try again in ${formatWait(seconds)}.` : 'You can try again now.'}
      </span>
      {onRetry && (
        <button type="button" onClick={onRetry} disabled={seconds > 0}>
          Retry
        </button>
      )}
    </div>
  );
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}
