/**
 * SQLite schema (drizzle). Every row a user owns carries `user_id`, `created_at`, `updated_at`
 * and a `deleted_at` tombstone so sync can later ship it; ids are UUIDs, never autoincrement.
 * Change this file, then `npx drizzle-kit generate` writes the SQL migration into migrations/.
 */
import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const appMeta = sqliteTable('app_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  mode: text('mode', { enum: ['beginner', 'expert'] })
    .notNull()
    .default('beginner'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  deletedAt: integer('deleted_at'),
});

export const preferences = sqliteTable('preferences', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id),
  theme: text('theme').notNull(),
  defaultTimeframe: text('default_timeframe').notNull(),
  defaultCommissionPerTrade: real('default_commission_per_trade').notNull(),
  defaultCommissionPct: real('default_commission_pct').notNull(),
  defaultSlippagePct: real('default_slippage_pct').notNull(),
  numberFormat: text('number_format').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  deletedAt: integer('deleted_at'),
});

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    ts: integer('ts').notNull(),
    userId: text('user_id').notNull(),
    action: text('action').notNull(),
    correlationId: text('correlation_id').notNull(),
    outcome: text('outcome', { enum: ['ok', 'error'] }).notNull(),
    details: text('details').notNull(),
  },
  (t) => [
    index('audit_log_user_ts').on(t.userId, t.ts),
    index('audit_log_user_action_ts').on(t.userId, t.action, t.ts),
  ],
);
