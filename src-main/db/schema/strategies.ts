/**
 * Strategies and their append-only versions. Saving new source never edits a version: it adds
 * one, so a backtest can always name (and re-run) the exact code it ran. Deleting a strategy is a
 * tombstone on the strategy row; its versions stay for the runs that reference them.
 */
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './core.js';

export const strategies = sqliteTable(
  'strategies',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    /** Template it was created from, if any (for the UI only). */
    templateId: text('template_id'),
    latestVersionId: text('latest_version_id'),
    latestVersion: integer('latest_version').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [index('strategies_user_updated').on(t.userId, t.updatedAt)],
);

export const strategyVersions = sqliteTable(
  'strategy_versions',
  {
    id: text('id').primaryKey(),
    strategyId: text('strategy_id')
      .notNull()
      .references(() => strategies.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /**
     * The number the creating device gave it (max known + 1). Not unique: two devices offline can
     * both make "version 2"; after sync both exist, ordered by (created_at, id). See
     * docs/sync-protocol.md, "Strategy versions".
     */
    version: integer('version').notNull(),
    source: text('source').notNull(),
    note: text('note').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [index('strategy_versions_strategy_created').on(t.strategyId, t.createdAt, t.id)],
);
