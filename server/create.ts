/** Picks storage and limiter from the config: SQLite + memory unless DATABASE_URL / REDIS_URL. */
import type { ServerConfig } from './config.js';
import { MemoryBucketLimiter } from './limiter/memory-bucket.js';
import { RedisBucketLimiter } from './limiter/redis-bucket.js';
import type { RateLimiter } from './limiter/types.js';
import { PgStore } from './store/pg-store.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { ServerStore } from './store/types.js';

export async function createStore(config: ServerConfig): Promise<ServerStore> {
  const store = config.databaseUrl ? new PgStore(config.databaseUrl) : new SqliteStore(config.sqliteFile);
  await store.init();
  return store;
}

/** SEAM: swap in src-main/ratelimit's shared token bucket here once branch `ratelimit` merges. */
export function createLimiter(config: ServerConfig, warn: (msg: string, err?: unknown) => void): RateLimiter {
  return config.redisUrl ? new RedisBucketLimiter(config.redisUrl, warn) : new MemoryBucketLimiter();
}
