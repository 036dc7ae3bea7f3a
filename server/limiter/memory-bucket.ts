import type { RateDecision, RateLimiter, RateRule } from './types.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets in this process's memory: right for a single server process. */
export class MemoryBucketLimiter implements RateLimiter {
  readonly kind = 'memory' as const;
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = Date.now) {}

  async consume(key: string, rule: RateRule): Promise<RateDecision> {
    return this.consumeSync(key, rule);
  }

  consumeSync(key: string, rule: RateRule): RateDecision {
    const now = this.now();
    // Per-IP keys are unbounded: past this size, forget buckets idle long enough to be full again.
    if (this.buckets.size > 50_000) {
      for (const [k, b] of this.buckets) if (now - b.at > rule.periodMs) this.buckets.delete(k);
    }
    const perMs = rule.capacity / rule.periodMs;
    const b = this.buckets.get(key) ?? { tokens: rule.capacity, at: now };
    b.tokens = Math.min(rule.capacity, b.tokens + (now - b.at) * perMs);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, retryAfterMs: 0 };
    }
    return { allowed: false, retryAfterMs: Math.min(rule.periodMs, Math.ceil((1 - b.tokens) / perMs)) };
  }

  async close(): Promise<void> {
    this.buckets.clear();
  }
}
