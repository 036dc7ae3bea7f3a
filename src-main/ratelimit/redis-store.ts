import type { Redis } from 'ioredis';
import { waitReady } from './redis-client.js';
import { TOKEN_BUCKET_LUA, TOKEN_BUCKET_SHA } from './redis-script.js';
import type { BucketRule, BucketStore, Cost, Take } from './types.js';

/** A reply that is not what the script returns: a store error, never a decision. */
export class RedisStoreError extends Error {
  override readonly name = 'RedisStoreError';
}

/**
 * Buckets in Redis: one EVALSHA per decision. The script is loaded once with SCRIPT LOAD and
 * loaded again only when Redis answers NOSCRIPT (a restarted or flushed server).
 */
export class RedisStore implements BucketStore {
  private loading: Promise<void> | undefined;
  /** One wait for a connection being made, shared by every decision that arrives meanwhile. */
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly client: Redis,
    /** How long to wait for a connection that is still being made before giving up. */
    private readonly readyWaitMs: number,
  ) {}

  async take(key: string, rule: BucketRule, cost: Cost): Promise<Take> {
    if (this.client.status !== 'ready') {
      await (this.connecting ??= waitReady(this.client, this.readyWaitMs).finally(() => (this.connecting = undefined)));
    }
    await (this.loading ??= this.load());
    let reply: unknown;
    try {
      reply = await this.eval(key, rule, cost);
    } catch (err) {
      if (!isNoScript(err)) throw err;
      // Share one reload between every decision that hit NOSCRIPT at the same time.
      this.loading = undefined;
      await (this.loading ??= this.load());
      reply = await this.eval(key, rule, cost);
    }
    return parseReply(reply);
  }

  private eval(key: string, rule: BucketRule, cost: Cost): Promise<unknown> {
    return this.client.evalsha(TOKEN_BUCKET_SHA, 1, key, rule.limit, rule.periodMs, rule.capacity, cost);
  }

  private async load(): Promise<void> {
    try {
      const sha = await this.client.script('LOAD', TOKEN_BUCKET_LUA);
      if (sha !== TOKEN_BUCKET_SHA) throw new RedisStoreError(`SCRIPT LOAD returned ${String(sha)}`);
    } catch (err) {
      this.loading = undefined; // try again on the next decision
      throw err;
    }
  }
}

const isNoScript = (err: unknown): boolean => err instanceof Error && err.message.startsWith('NOSCRIPT');

function parseReply(reply: unknown): Take {
  if (!Array.isArray(reply) || reply.length !== 3 || !reply.every((n) => typeof n === 'number')) {
    throw new RedisStoreError(`unexpected reply from the token-bucket script: ${JSON.stringify(reply)}`);
  }
  const [allowed, remaining, retryAfterMs] = reply as [number, number, number];
  if (allowed === 1) return { allowed: true, remaining };
  if (allowed === 0 && retryAfterMs > 0) return { allowed: false, remaining: 0, retryAfterMs };
  throw new RedisStoreError(`unexpected reply from the token-bucket script: ${JSON.stringify(reply)}`);
}
