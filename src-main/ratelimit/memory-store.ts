import { LRUCache } from 'lru-cache';
import { step, type BucketState } from './token-bucket.js';
import type { BucketRule, BucketStore, Cost, Take } from './types.js';

export interface MemoryStoreOptions {
  /** Most buckets kept; the least recently used go first. Bounds memory under a flood of keys. */
  maxKeys?: number | undefined;
  now?: (() => number) | undefined;
}

/**
 * Buckets in this process. Evicting a bucket forgets what it spent (it comes back full), which
 * is acceptable here: the keys are chosen by the main process (user ids), not by the caller.
 */
export class MemoryStore implements BucketStore {
  private readonly buckets: LRUCache<string, BucketState>;
  private readonly now: () => number;

  constructor(opts: MemoryStoreOptions = {}) {
    this.buckets = new LRUCache({ max: opts.maxKeys ?? 100_000 });
    this.now = opts.now ?? Date.now;
  }

  take(key: string, rule: BucketRule, cost: Cost): Take {
    const prev = this.buckets.get(key); // also marks it recently used
    if (prev) return step(prev, rule, Math.floor(this.now()), cost, prev);
    const fresh: BucketState = { units: 0, ts: 0, periodMs: 0 };
    const t = step(undefined, rule, Math.floor(this.now()), cost, fresh);
    if (fresh.periodMs !== 0) this.buckets.set(key, fresh);
    return t;
  }

  get size(): number {
    return this.buckets.size;
  }

  clear(): void {
    this.buckets.clear();
  }
}
