/**
 * The rate-limit feature as the core sees it: effective limits (defaults ← core options ←
 * what the user saved), the Redis connection, the limiter, and the two channels' logic.
 */
import { RATE_CATEGORIES, type RateCategory } from '../../src-preload/contract/define.js';
import { rateLimitSchema, type RateLimitStatus } from '../../src-preload/contract/ratelimit.js';
import type { Db } from '../db/open.js';
import type { Logger } from '../logger.js';
import { DEFAULT_RATE_LIMITS } from './defaults.js';
import { RateLimiter } from './limiter.js';
import type { RedisConnection } from './redis-client.js';
import { splitRedisUrl } from './redis-url.js';
import { RateLimitSettingsRepo } from './settings-repo.js';
import { ruleOf, type RateLimitConfig, type RateLimits } from './types.js';

/**
 * SEAM for the keychain issue: where the Redis password lives between runs. Until the core
 * passes one, a password given to `ratelimit.configure` is used for this session only (and the
 * answer says `passwordPersisted: false`); it is never written to SQLite or the log.
 */
export interface RedisPasswordStore {
  get(): Promise<string | undefined>;
  /** null forgets it. Resolves false when the password could not be kept (no keychain). */
  set(password: string | null): Promise<boolean | void>;
}

export interface RateLimitServiceOptions {
  db: Db;
  logger: Logger;
  /** Timestamps of saved rows. */
  now: () => number;
  /** Limits that replace the defaults for this core; what the user saved still wins. */
  baseline?: Partial<RateLimits> | undefined;
  /** Redis URL from the environment or command line (may hold a password: kept in memory). */
  redisUrl?: string | undefined;
  passwordStore?: RedisPasswordStore | undefined;
  /** Clock of the memory buckets (tests). */
  limiterClock?: (() => number) | undefined;
  fallbackAfterMs?: number | undefined;
  probeIntervalMs?: number | undefined;
}

export interface ConfigureInput {
  categories?: Partial<Record<RateCategory, RateLimitConfig | null>> | undefined;
  redisUrl?: string | null | undefined;
}

export class RateLimitService {
  readonly limiter: RateLimiter;
  private readonly repo: RateLimitSettingsRepo;
  private readonly baseline: Partial<RateLimits>;

  private constructor(
    private readonly opts: RateLimitServiceOptions,
    redis: RedisConnection | undefined,
  ) {
    this.repo = new RateLimitSettingsRepo(opts.db, opts.now);
    this.baseline = validated(opts.baseline ?? {});
    this.limiter = new RateLimiter({
      limits: this.effectiveLimits(),
      redis,
      logger: opts.logger,
      now: opts.limiterClock,
      fallbackAfterMs: opts.fallbackAfterMs,
      probeIntervalMs: opts.probeIntervalMs,
    });
  }

  static async open(opts: RateLimitServiceOptions): Promise<RateLimitService> {
    const saved = new RateLimitSettingsRepo(opts.db, opts.now).redisUrl();
    let redis: RedisConnection | undefined;
    if (typeof saved === 'string') redis = { url: saved, password: await opts.passwordStore?.get() };
    else if (saved === undefined && opts.redisUrl) redis = splitRedisUrl(opts.redisUrl);
    return new RateLimitService(opts, redis);
  }

  async status(userId: string): Promise<RateLimitStatus> {
    const limits = this.limiter.currentLimits;
    const entries = await Promise.all(
      RATE_CATEGORIES.map(async (category) => {
        const cfg = limits[category];
        const remaining = await this.limiter.remaining({ keyType: 'user', id: userId, category });
        return [
          category,
          {
            limit: cfg.limit,
            periodMs: cfg.periodMs,
            burst: cfg.burst ?? null,
            capacity: ruleOf(cfg).capacity,
            remaining,
          },
        ] as const;
      }),
    );
    return {
      // Read after the look-ups above, which are what notices a Redis outage.
      backend: this.limiter.backend,
      redisUrl: this.limiter.redisUrl ?? null,
      redisPasswordSet: this.limiter.hasRedisPassword,
      categories: Object.fromEntries(entries) as RateLimitStatus['categories'],
    };
  }

  async configure(
    input: ConfigureInput,
    userId: string,
  ): Promise<RateLimitStatus & { passwordPersisted: boolean }> {
    let passwordPersisted = true;
    if (input.categories) {
      for (const category of RATE_CATEGORIES) {
        const cfg = input.categories[category];
        if (cfg !== undefined) this.repo.saveCategory(category, cfg);
      }
      this.limiter.setLimits(this.effectiveLimits());
    }
    if (input.redisUrl !== undefined) {
      const conn = input.redisUrl === null ? undefined : splitRedisUrl(input.redisUrl);
      this.repo.saveRedisUrl(conn?.url ?? null);
      if (this.opts.passwordStore) {
        const kept = await this.opts.passwordStore.set(conn?.password ?? null);
        if (conn?.password !== undefined) passwordPersisted = kept !== false;
      } else if (conn?.password !== undefined) passwordPersisted = false;
      this.limiter.setRedis(conn);
      this.opts.logger.info({ redis: conn?.url ?? null }, 'rate-limit backend reconfigured');
    }
    return { ...(await this.status(userId)), passwordPersisted };
  }

  close(): Promise<void> {
    return this.limiter.close();
  }

  private effectiveLimits(): RateLimits {
    return { ...DEFAULT_RATE_LIMITS, ...this.baseline, ...this.repo.categories() };
  }
}

function validated(limits: Partial<RateLimits>): Partial<RateLimits> {
  const out: Partial<RateLimits> = {};
  for (const [category, cfg] of Object.entries(limits) as [RateCategory, RateLimitConfig | undefined][]) {
    if (cfg !== undefined) out[category] = rateLimitSchema.parse(cfg);
  }
  return out;
}
