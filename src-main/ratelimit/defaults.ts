import type { RateLimits } from './types.js';

const MINUTE = 60_000;

/**
 * The product's limits. `interactive` covers the reads a screen makes all the time: it only
 * stops a flood (a compromised renderer), so a screen never trips its own limiter.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  interactive: { limit: 600, periodMs: MINUTE, burst: 100 },
  default: { limit: 60, periodMs: MINUTE },
  backtest: { limit: 5, periodMs: MINUTE },
  api_key: { limit: 3, periodMs: 60 * MINUTE },
  anonymous: { limit: 30, periodMs: MINUTE },
};
