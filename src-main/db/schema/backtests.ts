/**
 * Backtest runs (single runs and sweeps) and their results. The bulky parts are stored compactly:
 * equity as a Float64Array BLOB, timestamps as deflated deltas, trades and fills as one
 * Float64Array BLOB each in column-major order (src-main/backtest/result-codec.ts), never a row
 * per bar.
 */
import { blob, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './core.js';
import { strategies, strategyVersions } from './strategies.js';

export const backtestRuns = sqliteTable(
  'backtest_runs',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind', { enum: ['single', 'sweep'] }).notNull(),
    strategyId: text('strategy_id')
      .notNull()
      .references(() => strategies.id),
    strategyVersionId: text('strategy_version_id')
      .notNull()
      .references(() => strategyVersions.id),
    datasetId: text('dataset_id').notNull(),
    rangeFrom: integer('range_from'),
    rangeTo: integer('range_to'),
    /** JSON: the parameters given (single) or the grid (sweep). */
    params: text('params').notNull(),
    costs: text('costs').notNull(),
    status: text('status', { enum: ['running', 'done', 'failed', 'cancelled'] }).notNull(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    /** JSON metrics of a finished single run. */
    metrics: text('metrics'),
    bars: integer('bars'),
    tradeCount: integer('trade_count'),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    index('backtest_runs_user_created').on(t.userId, t.createdAt),
    index('backtest_runs_user_strategy').on(t.userId, t.strategyId, t.createdAt),
  ],
);

export const backtestResults = sqliteTable('backtest_results', {
  runId: text('run_id')
    .primaryKey()
    .references(() => backtestRuns.id),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  ts: blob('ts', { mode: 'buffer' }),
  equity: blob('equity', { mode: 'buffer' }),
  trades: blob('trades', { mode: 'buffer' }),
  fills: blob('fills', { mode: 'buffer' }),
  /** JSON: strategy log lines; for sweeps, the rows { params, metrics | error }. */
  logs: text('logs').notNull().default('[]'),
  sweep: text('sweep'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  deletedAt: integer('deleted_at'),
});
