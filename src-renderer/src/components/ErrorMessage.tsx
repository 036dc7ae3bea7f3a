import type { ErrorPayload } from '../../../src-preload/errors';
import { humanError } from '../errors/messages';

export function ErrorMessage({ error, onRetry }: { error: ErrorPayload; onRetry?: () => void }) {
  const { title, detail } = humanError(error);
  return (
    <div role="alert" className="error-message" data-code={error.code}>
      <strong>{title}</strong>
      <span>{detail}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      {label}
    </div>
  );
}
