import { eq } from 'drizzle-orm';
import { RATE_CATEGORIES, type RateCategory } from '../../src-preload/contract/define.js';
import { rateLimitSchema } from '../../src-preload/contract/ratelimit.js';
import type { Db } from '../db/open.js';
import { rateLimitCategories, rateLimitSettings } from '../db/schema/index.js';
import type { RateLimitConfig } from './types.js';

const REDIS_URL = 'redis_url';

/** Persisted rate-limit settings. Rows that no longer validate are ignored (the default applies). */
export class RateLimitSettingsRepo {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  categories(): Partial<Record<RateCategory, RateLimitConfig>> {
    const out: Partial<Record<RateCategory, RateLimitConfig>> = {};
    for (const row of this.db.select().from(rateLimitCategories).all()) {
      if (!(RATE_CATEGORIES as readonly string[]).includes(row.category)) continue;
      const parsed = rateLimitSchema.safeParse({
        limit: row.limit,
        periodMs: row.periodMs,
        ...(row.burst === null ? {} : { burst: row.burst }),
      });
      if (parsed.success) out[row.category as RateCategory] = parsed.data;
    }
    return out;
  }

  /** null removes the override, so the category goes back to its default. */
  saveCategory(category: RateCategory, cfg: RateLimitConfig | null): void {
    if (cfg === null) {
      this.db.delete(rateLimitCategories).where(eq(rateLimitCategories.category, category)).run();
      return;
    }
    const now = this.now();
    const values = { limit: cfg.limit, periodMs: cfg.periodMs, burst: cfg.burst ?? null, updatedAt: now };
    this.db
      .insert(rateLimitCategories)
      .values({ category, ...values, createdAt: now })
      .onConflictDoUpdate({ target: rateLimitCategories.category, set: values })
      .run();
  }

  /** undefined: never configured here; null: Redis explicitly turned off. Never holds a password. */
  redisUrl(): string | null | undefined {
    const row = this.db.select().from(rateLimitSettings).where(eq(rateLimitSettings.key, REDIS_URL)).get();
    return row === undefined ? undefined : row.value;
  }

  saveRedisUrl(urlWithoutPassword: string | null): void {
    if (urlWithoutPassword !== null && new URL(urlWithoutPassword).password) {
      throw new Error('refusing to store a Redis URL that still holds a password');
    }
    const now = this.now();
    this.db
      .insert(rateLimitSettings)
      .values({ key: REDIS_URL, value: urlWithoutPassword, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: rateLimitSettings.key,
        set: { value: urlWithoutPassword, updatedAt: now },
      })
      .run();
  }
}
