/**
 * The device's side of the per-cell message log (`sync_messages`). Local mutations record their
 * cells here inside the caller's transaction (the outbox); received cells land here too, and a
 * row is then rebuilt from the newest value of each of its cells. Because the row is always a
 * function of the set of messages, applying the same message twice, or in another order, gives
 * the same row: that is the whole conflict story (last writer per field, by HLC timestamp).
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Logger } from '../logger.js';
import { HybridClock } from './hlc.js';
import { emptyTrie, insertTimestamp, type MerkleTrie } from './merkle.js';
import type { Cell } from './protocol.js';
import {
  SELF_ROW,
  TOMBSTONE_COLUMN,
  type JsonValue,
  type SyncRegistry,
  type SyncedTable,
} from './registry.js';

export interface PendingMessage {
  ts: string;
  cell: Cell;
}

export interface ReceivedMessage {
  ts: string;
  cell: Cell;
}

/** The API services use to make a mutation sync. */
export interface ChangeRecorder {
  /** Record cells of a row the caller is writing; call inside the caller's transaction. */
  record(table: string, localRowId: string, values: Record<string, unknown>): void;
}

type StateKey =
  | 'device_id'
  | 'cursor'
  | 'seeded'
  | 'account_id'
  | 'server_url'
  | 'email'
  | 'key_id'
  | 'encrypted'
  | 'last_sync_at'
  | 'quota';

export class ChangeLog implements ChangeRecorder {
  readonly clock: HybridClock;
  readonly deviceId: string;
  /** Told after local cells are recorded (the engine pushes them soon). */
  onRecord: (() => void) | null = null;
  private trie: MerkleTrie = emptyTrie();
  /** Row SQL is built from the registry per table and column set: prepare each shape once. */
  private readonly prepared = new Map<string, Database.Statement>();
  /** The trie holds every message with rowid ≤ this; rows of rolled-back transactions never count. */
  private trieUpTo = 0;
  private readonly stmt: {
    insertLocal: Database.Statement;
    insertRemote: Database.Statement;
    latest: Database.Statement;
    getState: Database.Statement;
    setState: Database.Statement;
    pendingCount: Database.Statement;
    markSent: Database.Statement;
    hasCell: Database.Statement;
  };

  constructor(
    private readonly sqlite: Database.Database,
    private readonly registry: SyncRegistry,
    private readonly localUserId: string,
    private readonly now: () => number,
    maxDriftMs: number,
    private readonly logger?: Logger,
  ) {
    this.stmt = {
      insertLocal: sqlite.prepare(
        'insert into sync_messages (ts, tbl, row_id, col, value, pending) values (?, ?, ?, ?, ?, 1)',
      ),
      insertRemote: sqlite.prepare(
        'insert or ignore into sync_messages (ts, tbl, row_id, col, value, pending) values (?, ?, ?, ?, ?, 0)',
      ),
      // SQLite returns the bare columns of the row holding max(ts) in each group.
      latest: sqlite.prepare(
        'select col, value, max(ts) as ts from sync_messages where tbl = ? and row_id = ? group by col',
      ),
      getState: sqlite.prepare('select value from sync_state where key = ?'),
      setState: sqlite.prepare(
        'insert into sync_state (key, value) values (?, ?) on conflict (key) do update set value = excluded.value',
      ),
      pendingCount: sqlite.prepare('select count(*) as n from sync_messages where pending = 1'),
      markSent: sqlite.prepare('update sync_messages set pending = 0 where ts = ?'),
      hasCell: sqlite.prepare('select 1 from sync_messages where tbl = ? and row_id = ? and col = ? limit 1'),
    };
    let deviceId = this.getState('device_id');
    if (!deviceId) {
      deviceId = randomBytes(8).toString('hex');
      this.setState('device_id', deviceId);
    }
    this.deviceId = deviceId;
    const last = (sqlite.prepare('select max(ts) as ts from sync_messages').get() as { ts: string | null })
      .ts;
    this.clock = new HybridClock(deviceId, now, maxDriftMs, last);
  }

  getState(key: StateKey): string | null {
    return (this.stmt.getState.get(key) as { value: string } | undefined)?.value ?? null;
  }

  setState(key: StateKey, value: string): void {
    this.stmt.setState.run(key, value);
  }

  deleteState(keys: StateKey[]): void {
    const del = this.sqlite.prepare('delete from sync_state where key = ?');
    for (const k of keys) del.run(k);
  }

  private sql(text: string): Database.Statement {
    let st = this.prepared.get(text);
    if (!st) {
      st = this.sqlite.prepare(text);
      this.prepared.set(text, st);
    }
    return st;
  }

  private spec(table: string): SyncedTable {
    const t = this.registry.get(table);
    if (!t) throw new Error(`Table ${table} is not registered for sync`);
    return t;
  }

  private wireRowId(t: SyncedTable, localRowId: string): string {
    return t.singletonPerUser ? SELF_ROW : localRowId;
  }

  record(table: string, localRowId: string, values: Record<string, unknown>): void {
    const t = this.spec(table);
    const rowId = this.wireRowId(t, localRowId);
    for (const [col, value] of Object.entries(values)) {
      if (value === undefined) continue;
      if (!Object.hasOwn(t.columns, col)) throw new Error(`Column ${table}.${col} is not synced`);
      this.stmt.insertLocal.run(this.clock.send(), table, rowId, col, JSON.stringify(value));
    }
    this.onRecord?.();
  }

  /**
   * A synced write for tables with no service of their own: records the cells and rebuilds the
   * row from the log, in one transaction. Append-only tables accept a row once.
   */
  write(table: string, rowId: string, values: Record<string, JsonValue>): void {
    const t = this.spec(table);
    this.sqlite.transaction(() => {
      if (t.appendOnly && this.rowExists(t, rowId)) {
        throw new Error(`${table} is append-only: row ${rowId} cannot change`);
      }
      this.record(table, rowId, values);
      this.materialize(t, this.wireRowId(t, rowId));
    })();
  }

  /** A delete is a tombstone cell; see the conflict rule in docs/sync-protocol.md. */
  remove(table: string, rowId: string): void {
    const t = this.spec(table);
    if (!Object.hasOwn(t.columns, TOMBSTONE_COLUMN))
      throw new Error(`${table} has no ${TOMBSTONE_COLUMN} column`);
    this.write(table, rowId, { [TOMBSTONE_COLUMN]: this.now() });
  }

  pendingCount(): number {
    return (this.stmt.pendingCount.get() as { n: number }).n;
  }

  /** Oldest unsent cells, at most `limit` and about `maxChars` of JSON. */
  pending(limit: number, maxChars: number): PendingMessage[] {
    const rows = this.sql(
      'select ts, tbl, row_id, col, value from sync_messages where pending = 1 order by ts limit ?',
    ).all(limit) as { ts: string; tbl: string; row_id: string; col: string; value: string }[];
    const out: PendingMessage[] = [];
    let chars = 0;
    for (const r of rows) {
      chars += r.value.length + 200;
      if (out.length > 0 && chars > maxChars) break;
      out.push({ ts: r.ts, cell: { t: r.tbl, r: r.row_id, c: r.col, v: JSON.parse(r.value) as JsonValue } });
    }
    return out;
  }

  /**
   * Commits one exchange atomically: pushed cells are marked sent, received cells stored and
   * their rows rebuilt, the cursor advanced. A crash before this commit loses nothing: the same
   * exchange simply happens again and the server ignores what it already has.
   */
  commitExchange(sentTs: string[], received: ReceivedMessage[], cursor: string): Set<string> {
    for (const m of received) this.clock.vet(m.ts);
    const touched = new Set<string>();
    this.sqlite.transaction(() => {
      for (const ts of sentTs) this.stmt.markSent.run(ts);
      const dirty = new Map<string, { t: SyncedTable; rowId: string }>();
      for (const m of received) {
        this.clock.recv(m.ts);
        const res = this.stmt.insertRemote.run(m.ts, m.cell.t, m.cell.r, m.cell.c, JSON.stringify(m.cell.v));
        if (res.changes === 0) continue;
        const t = this.registry.get(m.cell.t);
        // Unknown tables (from a newer app) stay in the log and materialise once registered.
        if (t) dirty.set(`${t.name}\u0000${m.cell.r}`, { t, rowId: m.cell.r });
      }
      // Parents first, so a strategy and its version arriving in one batch both appear.
      const ordered = [...dirty.values()].sort(
        (a, b) => this.registry.rank(a.t.name) - this.registry.rank(b.t.name),
      );
      for (const { t, rowId } of ordered) {
        if (this.materialize(t, rowId)) touched.add(t.name);
      }
      this.adoptWaitingChildren(touched);
      this.setState('cursor', cursor);
    })();
    return touched;
  }

  /** Rebuilds a row from the newest message of each cell. False when it could not (yet) exist. */
  materialize(t: SyncedTable, wireRowId: string): boolean {
    const localPk = t.singletonPerUser ? this.localUserId : wireRowId;
    const latest = this.stmt.latest.all(t.name, wireRowId) as { col: string; value: string }[];
    const values = new Map<string, unknown>();
    for (const { col, value } of latest) {
      const spec = t.columns[col];
      if (!spec) continue;
      const parsed = spec.schema.safeParse(JSON.parse(value));
      if (parsed.success) values.set(col, parsed.data);
      else
        this.logger?.warn(
          { table: t.name, col },
          'sync: received a value that does not fit its column; kept the old one',
        );
    }
    if (values.size === 0) return false;
    const now = this.now();
    if (this.rowExists(t, localPk)) {
      const cols = [...values.keys()];
      const sets = cols.map((c) => `"${c}" = ?`);
      const params: unknown[] = cols.map((c) => toSql(values.get(c)));
      if (t.updatedAtColumn) {
        sets.push(`"${t.updatedAtColumn}" = ?`);
        params.push(now);
      }
      this.sql(`update "${t.name}" set ${sets.join(', ')} where "${t.primaryKey}" = ?`).run(
        ...params,
        localPk,
      );
      return true;
    }
    const row = new Map<string, unknown>([[t.primaryKey, localPk]]);
    for (const [col, spec] of Object.entries(t.columns)) {
      if (values.has(col)) row.set(col, values.get(col));
      else if (spec.default !== undefined) row.set(col, spec.default);
      // A required cell has not arrived yet: the row appears when it does.
      else return false;
    }
    // A foreign key whose parent has not arrived yet (messages can come in any order): wait.
    for (const p of t.parents ?? []) {
      const parent = this.registry.get(p.table);
      if (parent && !this.rowExists(parent, String(row.get(p.column)))) return false;
    }
    if (t.userColumn) row.set(t.userColumn, this.localUserId);
    if (t.createdAtColumn) row.set(t.createdAtColumn, now);
    if (t.updatedAtColumn) row.set(t.updatedAtColumn, now);
    const cols = [...row.keys()];
    this.sql(
      `insert into "${t.name}" (${cols.map((c) => `"${c}"`).join(', ')}) values (${cols.map(() => '?').join(', ')})`,
    ).run(...cols.map((c) => toSql(row.get(c))));
    return true;
  }

  /**
   * Rows that waited for a parent (an earlier batch, or a page boundary, brought the child first)
   * are created once a parent table changed. Runs registration order, so a run waiting for a
   * version that waited for its strategy appears in the same pass.
   */
  private adoptWaitingChildren(touched: Set<string>): void {
    for (const child of this.registry.all()) {
      // Checked as we go: versions appearing here make waiting runs worth a look too.
      if (!child.parents?.some((p) => touched.has(p.table))) continue;
      const waiting = this.sql(
        `select distinct row_id from sync_messages where tbl = ? and row_id not in (select "${child.primaryKey}" from "${child.name}")`,
      ).all(child.name) as { row_id: string }[];
      for (const { row_id } of waiting) {
        if (this.materialize(child, row_id)) touched.add(child.name);
      }
    }
  }

  private rowExists(t: SyncedTable, localPk: string): boolean {
    return this.sql(`select 1 from "${t.name}" where "${t.primaryKey}" = ?`).get(localPk) !== undefined;
  }

  /**
   * Rows that existed before sync was set up have no messages: record their current values once,
   * after the first full pull, so an account's existing data wins over a joining device's
   * defaults and only what the account lacks is uploaded.
   */
  seedUnsynced(): number {
    let n = 0;
    this.sqlite.transaction(() => {
      for (const t of this.registry.all()) {
        const where = t.singletonPerUser
          ? `where "${t.primaryKey}" = ?`
          : t.userColumn
            ? `where "${t.userColumn}" = ?`
            : '';
        const rows = this.sqlite
          .prepare(`select * from "${t.name}" ${where}`)
          .all(...(where ? [this.localUserId] : [])) as Record<string, unknown>[];
        for (const row of rows) {
          const localPk = String(row[t.primaryKey]);
          const wire = this.wireRowId(t, localPk);
          const missing: Record<string, unknown> = {};
          for (const col of Object.keys(t.columns)) {
            if (this.stmt.hasCell.get(t.name, wire, col) === undefined && row[col] !== undefined)
              missing[col] = row[col];
          }
          n += Object.keys(missing).length;
          this.record(t.name, localPk, missing);
        }
      }
    })();
    return n;
  }

  /** After signing in to a different account: everything this device knows goes up again. */
  resendAll(): void {
    this.sqlite.prepare('update sync_messages set pending = 1').run();
  }

  /** Cells from `fromMs` on go up again (the server lost them: restored from a backup). */
  resendFrom(fromMs: number): number {
    return this.sqlite
      .prepare('update sync_messages set pending = 1 where ts >= ? and pending = 0')
      .run(new Date(fromMs).toISOString()).changes;
  }

  merkle(): MerkleTrie {
    const rows = this.sqlite
      .prepare('select rowid as id, ts from sync_messages where rowid > ? order by rowid')
      .all(this.trieUpTo) as { id: number; ts: string }[];
    for (const r of rows) {
      insertTimestamp(this.trie, r.ts);
      this.trieUpTo = r.id;
    }
    return this.trie;
  }
}

/** SQLite has no booleans or JSON columns: store them the way drizzle would. */
function toSql(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return v;
}
