/**
 * The token bucket, in integer arithmetic so that "wait retryAfterMs, then you are allowed"
 * holds exactly, with no floating-point drift.
 *
 * One token is worth `periodMs` units, and the bucket gains `limit` units per millisecond, which
 * is `limit` tokens per period. A full bucket holds `capacity * periodMs` units. Every quantity
 * is an integer as long as the clock is in whole milliseconds. The Lua script in
 * redis-script.ts is a line-by-line copy of this function; keep them in step.
 */
import type { BucketRule, Cost, Take } from './types.js';

export interface BucketState {
  units: number;
  /** Clock reading (ms) at which `units` was true. */
  ts: number;
  /** The period `units` was scaled with; a reconfigured period rescales the tokens left. */
  periodMs: number;
}

/**
 * Decides one request at `now`. `prev` undefined means a full bucket. Only an allowed take
 * changes state, and it writes it into `out` (which may be `prev` itself: the memory store
 * updates buckets in place, the hot path allocates nothing but the answer).
 */
export function step(
  prev: BucketState | undefined,
  rule: BucketRule,
  now: number,
  cost: Cost,
  out: BucketState,
): Take {
  const { limit, periodMs, capacity } = rule;
  const full = capacity * periodMs;
  let units = full;
  if (prev) {
    units = prev.periodMs === periodMs ? prev.units : Math.floor((prev.units * periodMs) / prev.periodMs);
    // A clock that went backwards refills nothing; a long gap cannot overflow past full.
    const elapsed = Math.min(Math.max(0, now - prev.ts), Math.ceil(full / limit));
    units = Math.min(full, units + elapsed * limit);
  }
  if (cost === 0) return { allowed: true, remaining: Math.floor(units / periodMs) };
  if (units >= periodMs) {
    units -= periodMs;
    out.units = units;
    out.ts = now;
    out.periodMs = periodMs;
    return { allowed: true, remaining: Math.floor(units / periodMs) };
  }
  // (periodMs - units) / limit ≤ periodMs / limit ≤ periodMs, and > 0 since units < periodMs.
  return { allowed: false, remaining: 0, retryAfterMs: Math.ceil((periodMs - units) / limit) };
}
