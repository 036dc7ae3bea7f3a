/**
 * Sync bookkeeping (see docs/sync-protocol.md). `sync_messages` is the per-cell change log: every
 * synced mutation, local or received, lands here in the same transaction as the row change; rows
 * with `pending = 1` are the outbox. `sync_state` holds the cursor, device id and account facts.
 * Tokens and encryption keys never live here: they go to the SecretStore (OS keychain).
 */
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const syncMessages = sqliteTable(
  'sync_messages',
  {
    /** Hybrid logical clock timestamp; unique per device, hence the message identity. */
    ts: text('ts').primaryKey(),
    tbl: text('tbl').notNull(),
    /** Row id as it travels (a singleton-per-user row travels as 'self'). */
    rowId: text('row_id').notNull(),
    col: text('col').notNull(),
    /** JSON of the value, plaintext: the database is local; only the wire copy is encrypted. */
    value: text('value').notNull(),
    pending: integer('pending').notNull().default(1),
  },
  (t) => [
    index('sync_messages_cell_ts').on(t.tbl, t.rowId, t.col, t.ts),
    index('sync_messages_pending')
      .on(t.ts)
      .where(sql`pending = 1`),
  ],
);

export const syncState = sqliteTable('sync_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
