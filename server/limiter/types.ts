/**
 * The server's rate-limit seam. Today: memory-bucket.ts (one process) and redis-bucket.ts
 * (shared by every process on one Redis). SEAM: when branch `ratelimit` lands, its
 * src-main/ratelimit token-bucket module (memory + Redis with fallback) replaces both behind this
 * same interface; only server/limiter/create.ts needs to change.
 */
export interface RateRule {
  /** Bucket size: how many requests may come in a burst. */
  capacity: number;
  /** Time to refill a whole bucket; capacity / periodMs is the sustained rate. */
  periodMs: number;
}

export interface RateDecision {
  allowed: boolean;
  /** 0 when allowed; otherwise when one token will be there again (≤ the period). */
  retryAfterMs: number;
}

export interface RateLimiter {
  readonly kind: 'memory' | 'redis';
  consume(key: string, rule: RateRule): Promise<RateDecision>;
  close(): Promise<void>;
}
