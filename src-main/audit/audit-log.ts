import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AuditRecord } from '../../src-preload/contract/audit.js';
import type { AuditPort } from '../ipc/router.js';

interface Row {
  id: string;
  ts: number;
  user_id: string;
  action: string;
  correlation_id: string;
  outcome: 'ok' | 'error';
  details: string;
}

/**
 * Append-only audit trail of every mutating call. Prepared statements on the raw connection:
 * this runs once per mutation and its listing pages through up to millions of rows.
 */
export class AuditLog implements AuditPort {
  private readonly insert: Database.Statement;
  private readonly now: () => number;
  /** Unfiltered totals per user: counting a million rows costs ~100 ms, so count once, then add. */
  private readonly totals = new Map<string, number>();

  constructor(
    private readonly sqlite: Database.Database,
    now: () => number = Date.now,
  ) {
    this.now = now;
    this.insert = sqlite.prepare(
      'insert into audit_log (id, ts, user_id, action, correlation_id, outcome, details) values (?, ?, ?, ?, ?, ?, ?)',
    );
  }

  record(e: Parameters<AuditPort['record']>[0]): void {
    this.insert.run(
      randomUUID(),
      this.now(),
      e.userId,
      e.action,
      e.correlationId,
      e.outcome,
      JSON.stringify(e.details),
    );
    const total = this.totals.get(e.userId);
    if (total !== undefined) this.totals.set(e.userId, total + 1);
  }

  private count(where: string, params: string[]): number {
    return (
      this.sqlite.prepare(`select count(*) as n from audit_log where ${where}`).get(...params) as {
        n: number;
      }
    ).n;
  }

  /** Counting a million rows takes tens of ms: count a user's records once, then add as they come. */
  private totalFor(userId: string): number {
    let total = this.totals.get(userId);
    if (total === undefined) {
      total = this.count('user_id = ?', [userId]);
      this.totals.set(userId, total);
    }
    return total;
  }

  list(
    userId: string,
    page: number,
    pageSize: number,
    action?: string,
  ): { items: AuditRecord[]; total: number } {
    const where = action === undefined ? 'user_id = ?' : 'user_id = ? and action = ?';
    const params = action === undefined ? [userId] : [userId, action];
    const total = action === undefined ? this.totalFor(userId) : this.count(where, params);
    // rowid breaks ties between records written in the same millisecond, newest first.
    const rows = this.sqlite
      .prepare(`select * from audit_log where ${where} order by ts desc, rowid desc limit ? offset ?`)
      .all(...params, pageSize, (page - 1) * pageSize) as Row[];
    return {
      total,
      items: rows.map((r) => ({
        id: r.id,
        ts: r.ts,
        userId: r.user_id,
        action: r.action,
        correlationId: r.correlation_id,
        outcome: r.outcome,
        details: JSON.parse(r.details) as Record<string, unknown>,
      })),
    };
  }
}
