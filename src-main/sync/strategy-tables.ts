/**
 * Sync declarations for strategies, their append-only versions and backtest run summaries
 * (docs/sync-protocol.md, "Synced tables"). Only the summary of a run travels: equity, trades,
 * fills, logs and sweep rows (`backtest_results`) and market data stay on the device that ran it.
 */
import { z } from 'zod';
import { RUN_KINDS, RUN_STATUSES } from '../../src-preload/contract/backtests.js';
import { STRATEGY_SOURCE_MAX } from '../../src-preload/contract/strategies.js';
import type { SyncedTable } from './registry.js';

const uuid = z.string().uuid();
const millis = z.number().int();
const nullableMillis = millis.nullable();
/** JSON kept as SQL text (params, costs, metrics): it travels as the same string. */
const jsonText = z.string().max(1_000_000);

export const strategiesTable: SyncedTable = {
  name: 'strategies',
  primaryKey: 'id',
  userColumn: 'user_id',
  updatedAtColumn: 'updated_at',
  columns: {
    name: { schema: z.string().min(1).max(120) },
    description: { schema: z.string().max(2000), default: '' },
    template_id: { schema: z.string().max(100).nullable(), default: null },
    // LWW like any field; when the version it names has not arrived yet, reads fall back to the
    // newest version present (StrategyService).
    latest_version_id: { schema: uuid.nullable(), default: null },
    latest_version: { schema: z.number().int().min(0), default: 0 },
    // Travels so "created" and the list order agree on every device.
    created_at: { schema: millis },
    deleted_at: { schema: nullableMillis, default: null },
  },
};

export const strategyVersionsTable: SyncedTable = {
  name: 'strategy_versions',
  primaryKey: 'id',
  userColumn: 'user_id',
  updatedAtColumn: 'updated_at',
  appendOnly: true,
  parents: [{ column: 'strategy_id', table: 'strategies' }],
  columns: {
    strategy_id: { schema: uuid },
    version: { schema: z.number().int().min(1) },
    source: { schema: z.string().min(1).max(STRATEGY_SOURCE_MAX) },
    note: { schema: z.string().max(2000), default: '' },
    // The merge order of versions is (created_at, id): it must be the creator's, not the receiver's.
    created_at: { schema: millis },
  },
};

export const backtestRunsTable: SyncedTable = {
  name: 'backtest_runs',
  primaryKey: 'id',
  userColumn: 'user_id',
  updatedAtColumn: 'updated_at',
  parents: [
    { column: 'strategy_id', table: 'strategies' },
    { column: 'strategy_version_id', table: 'strategy_versions' },
  ],
  columns: {
    kind: { schema: z.enum(RUN_KINDS) },
    strategy_id: { schema: uuid },
    strategy_version_id: { schema: uuid },
    dataset_id: { schema: z.string().min(1).max(300) },
    range_from: { schema: nullableMillis, default: null },
    range_to: { schema: nullableMillis, default: null },
    params: { schema: jsonText },
    costs: { schema: jsonText },
    // A run is recorded only once it has finished; 'running' never travels.
    status: { schema: z.enum(RUN_STATUSES) },
    error_code: { schema: z.string().max(100).nullable(), default: null },
    error_message: { schema: z.string().max(5000).nullable(), default: null },
    metrics: { schema: jsonText.nullable(), default: null },
    bars: { schema: z.number().int().min(0).nullable(), default: null },
    trade_count: { schema: z.number().int().min(0).nullable(), default: null },
    started_at: { schema: millis },
    finished_at: { schema: nullableMillis, default: null },
    created_at: { schema: millis },
    deleted_at: { schema: nullableMillis, default: null },
  },
};

/** Parents before children: rows of one batch are applied in this order. */
export const STRATEGY_TABLES = [strategiesTable, strategyVersionsTable, backtestRunsTable];
