import type { RateCategory } from '../../src-preload/contract/define.js';
import type { RateLimitConfig } from '../../src-preload/contract/ratelimit.js';

export type { RateLimitConfig };
export type RateLimits = Record<RateCategory, RateLimitConfig>;

export interface BucketKey {
  keyType: 'user' | 'anonymous';
  id: string;
  category: RateCategory;
}

/** A category's limits resolved for the bucket arithmetic. */
export interface BucketRule {
  limit: number;
  periodMs: number;
  /** Whole tokens the bucket holds when full: `burst ?? limit`. */
  capacity: number;
  /** The same three as Redis script arguments, turned into strings once, not per decision. */
  limitArg: string;
  periodArg: string;
  capacityArg: string;
}

export type Take =
  { allowed: true; remaining: number } | { allowed: false; remaining: number; retryAfterMs: number };

/** 1 takes a token, 0 only looks (status). */
export type Cost = 0 | 1;

/**
 * Where buckets live. A store answers or throws; throwing means "I could not decide" and is
 * never a refusal (the limiter then asks the fallback).
 */
export interface BucketStore {
  take(key: string, rule: BucketRule, cost: Cost): Take | Promise<Take>;
}

export const ruleOf = (c: RateLimitConfig): BucketRule => {
  const capacity = c.burst ?? c.limit;
  return {
    limit: c.limit,
    periodMs: c.periodMs,
    capacity,
    limitArg: String(c.limit),
    periodArg: String(c.periodMs),
    capacityArg: String(capacity),
  };
};

/** The key layout shared by every store and every machine: `rate_limit:{keyType}:{id}:{category}`. */
export const bucketKey = (k: BucketKey): string => `rate_limit:${k.keyType}:${k.id}:${k.category}`;
