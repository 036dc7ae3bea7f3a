import { eq } from 'drizzle-orm';
import type { Preferences } from '../../src-preload/contract/user.js';
import { notFound } from '../errors.js';
import type { Db } from '../db/open.js';
import { preferences, users } from '../db/schema/index.js';
import type { ChangeRecorder } from '../sync/change-log.js';
import { PREFERENCE_COLUMNS } from '../sync/preference-columns.js';

export const DEFAULT_PREFERENCES: Preferences = {
  theme: 'system',
  defaultTimeframe: '1d',
  defaultCommissionPerTrade: 0,
  defaultCommissionPct: 0.1,
  defaultSlippagePct: 0.05,
  numberFormat: 'en-US',
};

type Mode = 'beginner' | 'expert';

export class PreferencesService {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    /** Sync's outbox: changes are recorded in the same transaction as the write. */
    private readonly changes?: ChangeRecorder,
  ) {}

  getMode(userId: string): Mode {
    const row = this.db.select({ mode: users.mode }).from(users).where(eq(users.id, userId)).get();
    if (!row) throw notFound('User', userId);
    return row.mode;
  }

  setMode(userId: string, mode: Mode): Mode {
    return this.db.transaction(() => {
      const res = this.db
        .update(users)
        .set({ mode, updatedAt: this.now() })
        .where(eq(users.id, userId))
        .run();
      if (res.changes === 0) throw notFound('User', userId);
      this.changes?.record('users', userId, { mode });
      return mode;
    });
  }

  /** A user who never saved preferences gets the defaults (nothing is written until a change). */
  get(userId: string): Preferences {
    const row = this.db.select().from(preferences).where(eq(preferences.userId, userId)).get();
    if (!row) return { ...DEFAULT_PREFERENCES };
    return {
      theme: row.theme as Preferences['theme'],
      defaultTimeframe: row.defaultTimeframe as Preferences['defaultTimeframe'],
      defaultCommissionPerTrade: row.defaultCommissionPerTrade,
      defaultCommissionPct: row.defaultCommissionPct,
      defaultSlippagePct: row.defaultSlippagePct,
      numberFormat: row.numberFormat as Preferences['numberFormat'],
    };
  }

  update(userId: string, patch: Partial<Preferences>): Preferences {
    return this.db.transaction(() => {
      const next = { ...this.get(userId), ...patch };
      const now = this.now();
      this.db
        .insert(preferences)
        .values({ userId, ...next, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({ target: preferences.userId, set: { ...next, updatedAt: now } })
        .run();
      if (this.changes) {
        const cells: Record<string, unknown> = {};
        for (const [field, value] of Object.entries(patch)) {
          cells[PREFERENCE_COLUMNS[field as keyof Preferences]] = value;
        }
        this.changes.record('preferences', userId, cells);
      }
      return next;
    });
  }
}
