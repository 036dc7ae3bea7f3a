import pg from 'pg';
import type { KeyInfo } from '../../src-main/sync/crypto.js';
import { emptyTrie, type MerkleTrie } from '../../src-main/sync/merkle.js';
import type { AccountRecord, AccountSyncState, AccountTx, ServerStore, StoredMessage } from './types.js';

const SCHEMA = `
create table if not exists accounts (
  id text primary key,
  email text not null unique,
  password_hash text not null,
  created_at bigint not null,
  next_seq bigint not null default 1,
  used_bytes bigint not null default 0,
  used_messages bigint not null default 0,
  merkle text not null default '{"hash":0}',
  key_info text
);
create table if not exists tokens (
  token_hash text primary key,
  account_id text not null references accounts(id),
  created_at bigint not null,
  revoked_at bigint
);
create table if not exists messages (
  account_id text not null references accounts(id),
  seq bigint not null,
  ts text not null,
  device_id text not null,
  key_id text,
  data text not null,
  primary key (account_id, seq),
  unique (account_id, ts)
);`;

/** Any number will do as long as every server process agrees: it guards concurrent schema setup. */
const SCHEMA_LOCK = 74_110_801;

/**
 * PostgreSQL storage: several server processes share it. `select … for update` on the account
 * row serialises that account's writers across processes, so sequence numbers are assigned in
 * commit order and a reader's cursor never jumps over a transaction that commits later.
 */
export class PgStore implements ServerStore {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(connectionString: string, max = 20) {
    this.pool = new pg.Pool({ connectionString, max });
    // An idle client dropping (database restart) must not crash the server.
    this.pool.on('error', () => undefined);
  }

  async init(): Promise<void> {
    const c = await this.pool.connect();
    try {
      await c.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
      await c.query(SCHEMA);
      await c.query('select pg_advisory_unlock($1)', [SCHEMA_LOCK]);
    } finally {
      c.release();
    }
  }

  async createAccount(a: AccountRecord, now: number): Promise<boolean> {
    const r = await this.pool.query(
      'insert into accounts (id, email, password_hash, created_at) values ($1, $2, $3, $4) on conflict (email) do nothing',
      [a.id, a.email, a.passwordHash, now],
    );
    return r.rowCount === 1;
  }

  async accountByEmail(email: string): Promise<AccountRecord | null> {
    const r = await this.pool.query<{ id: string; email: string; password_hash: string }>(
      'select id, email, password_hash from accounts where email = $1',
      [email],
    );
    const row = r.rows[0];
    return row ? { id: row.id, email: row.email, passwordHash: row.password_hash } : null;
  }

  async addToken(tokenHash: string, accountId: string, now: number): Promise<void> {
    await this.pool.query('insert into tokens (token_hash, account_id, created_at) values ($1, $2, $3)', [
      tokenHash,
      accountId,
      now,
    ]);
  }

  async tokenAccount(tokenHash: string): Promise<string | null> {
    const r = await this.pool.query<{ account_id: string }>(
      'select account_id from tokens where token_hash = $1 and revoked_at is null',
      [tokenHash],
    );
    return r.rows[0]?.account_id ?? null;
  }

  async revokeToken(tokenHash: string, now: number): Promise<void> {
    await this.pool.query('update tokens set revoked_at = $1 where token_hash = $2 and revoked_at is null', [
      now,
      tokenHash,
    ]);
  }

  async getKey(accountId: string): Promise<KeyInfo | null> {
    const r = await this.pool.query<{ key_info: string | null }>(
      'select key_info from accounts where id = $1',
      [accountId],
    );
    const v = r.rows[0]?.key_info;
    return v ? (JSON.parse(v) as KeyInfo) : null;
  }

  async setKeyIfAbsent(accountId: string, key: KeyInfo): Promise<KeyInfo> {
    await this.pool.query('update accounts set key_info = $1 where id = $2 and key_info is null', [
      JSON.stringify(key),
      accountId,
    ]);
    return (await this.getKey(accountId)) ?? key;
  }

  async merkle(accountId: string): Promise<MerkleTrie> {
    const r = await this.pool.query<{ merkle: string }>('select merkle from accounts where id = $1', [
      accountId,
    ]);
    const v = r.rows[0]?.merkle;
    return v ? (JSON.parse(v) as MerkleTrie) : emptyTrie();
  }

  async inAccountTx<T>(accountId: string, fn: (tx: AccountTx) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('begin');
      const result = await fn(pgTx(c, accountId));
      await c.query('commit');
      return result;
    } catch (err) {
      await c.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function pgTx(c: pg.PoolClient, accountId: string): AccountTx {
  return {
    async lock(): Promise<AccountSyncState> {
      const r = await c.query<{
        next_seq: string;
        used_bytes: string;
        used_messages: string;
        merkle: string;
      }>('select next_seq, used_bytes, used_messages, merkle from accounts where id = $1 for update', [
        accountId,
      ]);
      const row = r.rows[0];
      if (!row) throw new Error(`account ${accountId} vanished`);
      return {
        nextSeq: Number(row.next_seq),
        usedBytes: Number(row.used_bytes),
        usedMessages: Number(row.used_messages),
        merkle: JSON.parse(row.merkle) as MerkleTrie,
      };
    },
    async existing(ts: string[]) {
      const out = new Map<string, { keyId: string | null; data: string }>();
      if (ts.length === 0) return out;
      const r = await c.query<{ ts: string; key_id: string | null; data: string }>(
        'select ts, key_id, data from messages where account_id = $1 and ts = any($2::text[])',
        [accountId, ts],
      );
      for (const row of r.rows) out.set(row.ts, { keyId: row.key_id, data: row.data });
      return out;
    },
    async insert(messages: StoredMessage[]) {
      if (messages.length === 0) return;
      await c.query(
        `insert into messages (account_id, seq, ts, device_id, key_id, data)
         select $1, * from unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[])`,
        [
          accountId,
          messages.map((m) => m.seq),
          messages.map((m) => m.ts),
          messages.map((m) => m.deviceId),
          messages.map((m) => m.keyId),
          messages.map((m) => m.data),
        ],
      );
    },
    async save(s: AccountSyncState) {
      await c.query(
        'update accounts set next_seq = $1, used_bytes = $2, used_messages = $3, merkle = $4 where id = $5',
        [s.nextSeq, s.usedBytes, s.usedMessages, JSON.stringify(s.merkle), accountId],
      );
    },
    async after(since: number, limit: number): Promise<StoredMessage[]> {
      const r = await c.query<{
        seq: string;
        ts: string;
        device_id: string;
        key_id: string | null;
        data: string;
      }>(
        'select seq, ts, device_id, key_id, data from messages where account_id = $1 and seq > $2 order by seq limit $3',
        [accountId, since, limit],
      );
      return r.rows.map((row) => ({
        seq: Number(row.seq),
        ts: row.ts,
        deviceId: row.device_id,
        keyId: row.key_id,
        data: row.data,
      }));
    },
  };
}
