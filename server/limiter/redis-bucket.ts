import { Redis } from 'ioredis';
import { MemoryBucketLimiter } from './memory-bucket.js';
import type { RateDecision, RateLimiter, RateRule } from './types.js';

/**
 * One atomic Lua script per decision on Redis's own clock, so every server process shares the
 * same buckets and no process's clock matters. When Redis cannot answer, decisions fall back to
 * this process's memory (logged once per outage) rather than refusing all traffic.
 */
const SCRIPT = `
local key = KEYS[1]
local capacity = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local perMs = capacity / period
local state = redis.call('HMGET', key, 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * perMs)
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry = math.min(period, math.ceil((1 - tokens) / perMs))
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', key, period * 2)
return {allowed, retry}
`;

export class RedisBucketLimiter implements RateLimiter {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly fallback = new MemoryBucketLimiter();
  private degraded = false;

  constructor(
    url: string,
    private readonly onWarn: (msg: string, err?: unknown) => void = () => undefined,
    private readonly prefix = 'qd-sync:rl:',
  ) {
    // Known trap (DESIGN.md): ioredis's defaults wait ~100 s on a dead Redis.
    this.redis = new Redis(url, {
      commandTimeout: 500,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: false,
    });
    this.redis.on('error', () => undefined);
  }

  async consume(key: string, rule: RateRule): Promise<RateDecision> {
    try {
      const [allowed, retry] = (await this.redis.eval(
        SCRIPT,
        1,
        this.prefix + key,
        rule.capacity,
        rule.periodMs,
      )) as [number, number];
      if (this.degraded) {
        this.degraded = false;
        this.onWarn('Redis is back: rate limits are shared again');
      }
      return { allowed: allowed === 1, retryAfterMs: retry };
    } catch (err) {
      if (!this.degraded) {
        this.degraded = true;
        this.onWarn('Redis unreachable: rate limits fall back to this process only', err);
      }
      return this.fallback.consume(key, rule);
    }
  }

  async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      this.redis.once('ready', resolve);
      this.redis.once('end', () => reject(new Error('Redis connection ended')));
    });
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
