/**
 * Rate-limit settings of this installation. They are machine settings, not user data that
 * syncs, so the rows carry no user_id. The Redis URL is stored without its password.
 */
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** One row per category the user changed; a missing row means the default. */
export const rateLimitCategories = sqliteTable('rate_limit_categories', {
  category: text('category').primaryKey(),
  limit: integer('limit').notNull(),
  periodMs: integer('period_ms').notNull(),
  burst: integer('burst'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Key/value settings of the limiter (today only `redis_url`; null value = Redis turned off). */
export const rateLimitSettings = sqliteTable('rate_limit_settings', {
  key: text('key').primaryKey(),
  value: text('value'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});
