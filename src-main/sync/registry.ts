/**
 * Which tables sync and how. Sync is generic: each table declares its synced columns (with a
 * schema so a received value is checked before it touches the row) and a few traits. Strategies,
 * strategy_versions (append-only) and backtest_runs are declared in strategy-tables.ts; the
 * journal goes here too when it lands.
 */
import { z } from 'zod';
import { MODES, NUMBER_FORMATS, THEMES, TIMEFRAMES } from '../../src-preload/contract/user.js';
import { DEFAULT_PREFERENCES } from '../user/preferences-service.js';
import { STRATEGY_TABLES } from './strategy-tables.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export interface SyncedColumn {
  schema: z.ZodType;
  /** Used when a row is first created from messages that do not include this column. */
  default?: JsonValue;
}

export interface SyncedTable {
  /** SQLite table name; also the name on the wire (inside the encrypted cell). */
  name: string;
  primaryKey: string;
  /** Synced columns by SQL name: not the key, the user column or the created/updated stamps. */
  columns: Record<string, SyncedColumn>;
  /** Filled with this device's local user id when a row is created from messages. */
  userColumn?: string;
  /** One row per user keyed by the user id (preferences): it travels as row id 'self'. */
  singletonPerUser?: boolean;
  /** Rows are written once and never changed (strategy versions): nothing to conflict on. */
  appendOnly?: boolean;
  createdAtColumn?: string;
  updatedAtColumn?: string;
  /**
   * Foreign keys to other synced tables. A received row is created only once its parents exist
   * on this device (SQLite enforces the keys), so a child that arrives first waits in the log
   * and appears when its parent does. Register parents before children.
   */
  parents?: { column: string; table: string }[];
}

export const SELF_ROW = 'self';
/** A row is deleted when its latest `deleted_at` is not null; see docs/sync-protocol.md. */
export const TOMBSTONE_COLUMN = 'deleted_at';

const prefColumn = (schema: z.ZodType, dflt: JsonValue): SyncedColumn => ({ schema, default: dflt });

export const usersTable: SyncedTable = {
  name: 'users',
  primaryKey: 'id',
  singletonPerUser: true,
  columns: { mode: { schema: z.enum(MODES), default: 'beginner' } },
  updatedAtColumn: 'updated_at',
  createdAtColumn: 'created_at',
};

export const preferencesTable: SyncedTable = {
  name: 'preferences',
  primaryKey: 'user_id',
  singletonPerUser: true,
  columns: {
    theme: prefColumn(z.enum(THEMES), DEFAULT_PREFERENCES.theme),
    default_timeframe: prefColumn(z.enum(TIMEFRAMES), DEFAULT_PREFERENCES.defaultTimeframe),
    default_commission_per_trade: prefColumn(
      z.number().finite().min(0).max(1000),
      DEFAULT_PREFERENCES.defaultCommissionPerTrade,
    ),
    default_commission_pct: prefColumn(
      z.number().finite().min(0).max(5),
      DEFAULT_PREFERENCES.defaultCommissionPct,
    ),
    default_slippage_pct: prefColumn(
      z.number().finite().min(0).max(5),
      DEFAULT_PREFERENCES.defaultSlippagePct,
    ),
    number_format: prefColumn(z.enum(NUMBER_FORMATS), DEFAULT_PREFERENCES.numberFormat),
  },
  createdAtColumn: 'created_at',
  updatedAtColumn: 'updated_at',
};

export const BUILTIN_TABLES: SyncedTable[] = [usersTable, preferencesTable, ...STRATEGY_TABLES];

export class SyncRegistry {
  private readonly tables = new Map<string, SyncedTable>();

  constructor(tables: SyncedTable[]) {
    for (const t of tables) this.register(t);
  }

  register(t: SyncedTable): void {
    const ident = /^[a-z_][a-z0-9_]*$/;
    const parentNames = (t.parents ?? []).flatMap((p) => [p.column, p.table]);
    for (const n of [t.name, t.primaryKey, ...Object.keys(t.columns), ...parentNames]) {
      // Names end up in SQL text; only plain identifiers are allowed.
      if (!ident.test(n)) throw new Error(`Invalid identifier in sync registry: ${n}`);
    }
    if (this.tables.has(t.name)) throw new Error(`Table ${t.name} is already registered for sync`);
    for (const p of t.parents ?? []) {
      // Applying a batch in registration order then creates parents before their children.
      if (!this.tables.has(p.table)) throw new Error(`Register ${p.table} before ${t.name}`);
    }
    this.tables.set(t.name, t);
  }

  get(name: string): SyncedTable | undefined {
    return this.tables.get(name);
  }

  /** In registration order: parents before children. */
  all(): SyncedTable[] {
    return [...this.tables.values()];
  }

  /** Position in registration order (parents sort first). */
  rank(name: string): number {
    return [...this.tables.keys()].indexOf(name);
  }
}
