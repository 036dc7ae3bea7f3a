import type { ErrorCode, ErrorPayload } from '../../../src-preload/errors';

/** What each error code means to a trader (docs/troubleshooting.md has the long version). */
const SENTENCES: Record<ErrorCode, string> = {
  VALIDATION: 'Some of what you entered is not valid.',
  NOT_FOUND: 'That item no longer exists.',
  QUOTA_EXCEEDED: 'Your storage quota is full. Delete files you no longer need.',
  RATE_LIMITED: 'Too many requests of this kind. Please wait a moment.',
  SANDBOX_SYNTAX: 'The strategy code has a syntax error.',
  SANDBOX_TIMEOUT: 'The strategy code ran for too long and was stopped.',
  SANDBOX_MEMORY: 'The strategy code used too much memory and was stopped.',
  SANDBOX_RUNTIME: 'The strategy code threw an error.',
  UNAVAILABLE: 'A service Quantdesk needs is not available right now.',
  UNAUTHORIZED: 'Please sign in again.',
  FORBIDDEN: 'That action is not allowed.',
  CANCELLED: 'The operation was cancelled.',
  INTERNAL: 'Something went wrong inside Quantdesk.',
};

export function humanError(error: ErrorPayload): { title: string; detail: string } {
  return { title: SENTENCES[error.code] ?? SENTENCES.INTERNAL, detail: error.message };
}
