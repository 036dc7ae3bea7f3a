/**
 * The rate limiter the router calls: one token bucket per key and category, in Redis when a URL
 * is configured (shared by every app instance of the user), in memory otherwise.
 *
 * Fallback rules (docs/rate-limiting.md):
 * - A Redis decision that errors or takes longer than `fallbackAfterMs` is answered by the memory
 *   store instead; the limiter then stays on memory (one warning in the log, backend `fallback`)
 *   and a background health probe switches back as soon as Redis answers.
 * - A store error is never turned into a refusal, and a refusal from Redis is final: it is never
 *   handed to the fallback for a second opinion.
 */
import type { Redis } from 'ioredis';
import type { RateBackend } from '../../src-preload/contract/ratelimit.js';
import type { RateDecision, RateLimiterPort } from '../ipc/router.js';
import type { Logger } from '../logger.js';
import { MemoryStore } from './memory-store.js';
import { closeClient, createRedisClient, isHealthy, type RedisConnection } from './redis-client.js';
import { RedisStore } from './redis-store.js';
import {
  bucketKey,
  ruleOf,
  type BucketKey,
  type BucketRule,
  type Cost,
  type RateLimits,
  type Take,
} from './types.js';

export interface RateLimiterOptions {
  limits: RateLimits;
  redis?: RedisConnection | undefined;
  logger: Logger;
  /** Clock of the memory store (Redis uses its own). */
  now?: (() => number) | undefined;
  /** Longest a Redis decision may take before memory answers. 150 ms keeps every answer under 200 ms. */
  fallbackAfterMs?: number | undefined;
  /** How often a Redis in fallback is probed. */
  probeIntervalMs?: number | undefined;
  memoryMaxKeys?: number | undefined;
}

interface RedisSide {
  conn: RedisConnection;
  client: Redis;
  store: RedisStore;
  failing: boolean;
  probe: NodeJS.Timeout | undefined;
}

export class RateLimiter implements RateLimiterPort {
  private readonly memory: MemoryStore;
  private readonly logger: Logger;
  private readonly fallbackAfterMs: number;
  private readonly probeIntervalMs: number;
  private rules: Record<string, BucketRule> = {};
  private limits!: RateLimits;
  private redis: RedisSide | undefined;

  constructor(opts: RateLimiterOptions) {
    this.logger = opts.logger;
    this.fallbackAfterMs = opts.fallbackAfterMs ?? 150;
    this.probeIntervalMs = opts.probeIntervalMs ?? 1_000;
    this.memory = new MemoryStore({ now: opts.now, maxKeys: opts.memoryMaxKeys });
    this.setLimits(opts.limits);
    this.setRedis(opts.redis);
  }

  // Not async: a memory decision is answered without an extra promise hop (bench/ratelimit.ts).
  consume(key: BucketKey): Promise<RateDecision> {
    const t = this.decide(key, 1);
    return t instanceof Promise ? t.then(toDecision) : Promise.resolve(toDecision(t));
  }

  /** Whole tokens left, without taking one. */
  async remaining(key: BucketKey): Promise<number> {
    return (await this.decide(key, 0)).remaining;
  }

  get backend(): RateBackend {
    if (!this.redis) return 'memory';
    return this.redis.failing ? 'fallback' : 'redis';
  }

  get currentLimits(): RateLimits {
    return this.limits;
  }

  get redisUrl(): string | undefined {
    return this.redis?.conn.url;
  }

  get hasRedisPassword(): boolean {
    return this.redis?.conn.password !== undefined;
  }

  /** Applies from the next decision; buckets keep their tokens (rescaled if the period changed). */
  setLimits(limits: RateLimits): void {
    this.limits = { ...limits };
    this.rules = Object.fromEntries(Object.entries(limits).map(([c, cfg]) => [c, ruleOf(cfg)]));
  }

  /** Switches to another Redis (or to memory only with undefined), closing the old client. */
  setRedis(conn: RedisConnection | undefined): void {
    this.dropRedis();
    if (!conn) return;
    const client = createRedisClient(conn, { commandTimeoutMs: this.fallbackAfterMs, logger: this.logger });
    this.redis = {
      conn,
      client,
      store: new RedisStore(client, this.fallbackAfterMs),
      failing: false,
      probe: undefined,
    };
  }

  async close(): Promise<void> {
    this.dropRedis();
    this.memory.clear();
  }

  private decide(key: BucketKey, cost: Cost): Promise<Take> | Take {
    const rule = this.rules[key.category];
    if (!rule) throw new Error(`unknown rate-limit category ${key.category}`);
    const k = bucketKey(key);
    const side = this.redis;
    if (!side || side.failing) return this.memory.take(k, rule, cost);
    return side.store.take(k, rule, cost).then(undefined, (err: unknown) => {
      // The store could not decide: memory decides. A refusal never reaches this line.
      this.enterFallback(side, err);
      return this.memory.take(k, rule, cost);
    });
  }

  private enterFallback(side: RedisSide, err: unknown): void {
    if (side.failing || side !== this.redis) return;
    side.failing = true;
    this.logger.warn(
      { redis: side.conn.url, err: err instanceof Error ? err.message : String(err) },
      'Redis rate-limit store unavailable; deciding from memory until it answers again',
    );
    const probe = async (): Promise<void> => {
      if (side !== this.redis || !side.failing) return;
      if (await isHealthy(side.client, this.fallbackAfterMs)) {
        if (side !== this.redis) return;
        side.failing = false;
        clearInterval(side.probe);
        side.probe = undefined;
        this.logger.info(
          { redis: side.conn.url },
          'Redis rate-limit store is back; deciding from Redis again',
        );
      }
    };
    let probing = false;
    side.probe = setInterval(() => {
      if (probing) return;
      probing = true;
      void probe().finally(() => (probing = false));
    }, this.probeIntervalMs);
    side.probe.unref();
  }

  private dropRedis(): void {
    const side = this.redis;
    if (!side) return;
    this.redis = undefined;
    clearInterval(side.probe);
    closeClient(side.client);
  }
}

const ALLOWED: RateDecision = Object.freeze({ allowed: true });
const toDecision = (t: Take): RateDecision =>
  t.allowed ? ALLOWED : { allowed: false, retryAfterMs: t.retryAfterMs };
