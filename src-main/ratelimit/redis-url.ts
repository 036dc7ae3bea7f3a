import type { RedisConnection } from './redis-client.js';

/**
 * Splits a Redis URL into what may be stored and shown (everything but the password) and the
 * password, which only ever goes to memory or a secret store.
 */
export function splitRedisUrl(raw: string): RedisConnection {
  const u = new URL(raw);
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.password = '';
  return { url: u.toString(), password };
}
