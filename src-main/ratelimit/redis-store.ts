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
  private loaded = false;
  private loading: Promise<void> | undefined;
  /** One wait for a connection being made, shared by every decision that arrives meanwhile. */
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly client: Redis,
    /** How long to wait for a connection that is still being made before giving up. */
    private readonly readyWaitMs: number,
  ) {}

  take(key: string, rule: BucketRule, cost: Cost): Promise<Take> {
    // Hot path: connected and loaded, one EVALSHA and nothing else.
    if (this.loaded && this.client.status === 'ready') {
      return this.eval(key, rule, cost).then(parseReply, (err: unknown) =>
        this.retryAfterNoScript(err, key, rule, cost),
      );
    }
    return this.slowTake(key, rule, cost);
  }

  private async slowTake(key: string, rule: BucketRule, cost: Cost): Promise<Take> {
    if (this.client.status !== 'ready') {
      await (this.connecting ??= waitReady(this.client, this.readyWaitMs).finally(
        () => (this.connecting = undefined),
      ));
    }
    await this.load();
    return this.eval(key, rule, cost).then(parseReply, (err: unknown) =>
      this.retryAfterNoScript(err, key, rule, cost),
    );
  }

  private async retryAfterNoScript(err: unknown, key: string, rule: BucketRule, cost: Cost): Promise<Take> {
    if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
    this.loaded = false;
    await this.load();
    return parseReply(await this.eval(key, rule, cost));
  }

  private eval(key: string, rule: BucketRule, cost: Cost): Promise<unknown> {
    return this.client.evalsha(
      TOKEN_BUCKET_SHA,
      1,
      key,
      rule.limitArg,
      rule.periodArg,
      rule.capacityArg,
      cost === 1 ? '1' : '0',
    );
  }

  /** SCRIPT LOAD, shared by every decision that needs it at the same moment. */
  private load(): Promise<void> {
    if (this.loaded) return Promise.resolve();
    return (this.loading ??= this.client
      .script('LOAD', TOKEN_BUCKET_LUA)
      .then((sha) => {
        if (sha !== TOKEN_BUCKET_SHA) throw new RedisStoreError(`SCRIPT LOAD returned ${String(sha)}`);
        this.loaded = true;
      })
      .finally(() => (this.loading = undefined)));
  }
}

function parseReply(reply: unknown): Take {
  if (Array.isArray(reply) && reply.length === 3) {
    const [allowed, remaining, retryAfterMs] = reply as unknown[];
    if (typeof remaining === 'number' && typeof retryAfterMs === 'number') {
      if (allowed === 1) return { allowed: true, remaining };
      if (allowed === 0 && retryAfterMs > 0) return { allowed: false, remaining: 0, retryAfterMs };
    }
  }
  throw new RedisStoreError(`unexpected reply from the token-bucket script: ${JSON.stringify(reply)}`);
}
