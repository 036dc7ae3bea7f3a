/**
 * Error codes shared by main and renderer. Handlers throw `AppError`; the router turns any
 * thrown value into `{ ok: false, error }` with one of these codes. The renderer maps each code
 * to a human sentence (see docs/troubleshooting.md).
 */
export const ERROR_CODES = [
  'VALIDATION',
  'NOT_FOUND',
  'QUOTA_EXCEEDED',
  'RATE_LIMITED',
  'SANDBOX_SYNTAX',
  'SANDBOX_TIMEOUT',
  'SANDBOX_MEMORY',
  'SANDBOX_RUNTIME',
  'UNAVAILABLE',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'CANCELLED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  correlationId?: string;
}

export type Result<T> = { ok: true; data: T; correlationId?: string } | { ok: false; error: ErrorPayload };
