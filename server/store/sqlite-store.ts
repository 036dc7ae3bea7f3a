import Database from 'better-sqlite3';
import type { KeyInfo } from '../../src-main/sync/crypto.js';
import { emptyTrie, type MerkleTrie } from '../../src-main/sync/merkle.js';
import type { AccountRecord, AccountSyncState, AccountTx, ServerStore, StoredMessage } from './types.js';

const SCHEMA = `
create table if not exists accounts (
  id text primary key,
  email text not null unique,
  password_hash text not null,
  created_at integer not null,
  next_seq integer not null default 1,
  used_bytes integer not null default 0,
  used_messages integer not null default 0,
  merkle text not null default '{"hash":0}',
  key_info text
);
create table if not exists tokens (
  token_hash text primary key,
  account_id text not null references accounts(id),
  created_at integer not null,
  revoked_at integer
);
create table if not exists messages (
  account_id text not null references accounts(id),
  seq integer not null,
  ts text not null,
  device_id text not null,
  key_id text,
  data text not null,
  primary key (account_id, seq),
  unique (account_id, ts)
);`;

interface MessageRow {
  seq: number;
  ts: string;
  device_id: string;
  key_id: string | null;
  data: string;
}

/**
 * Embedded SQLite storage. One connection; transactions are serialised by a promise chain because
 * the sync rules await between statements and two interleaved transactions on one connection
 * would be one transaction.
 */
export class SqliteStore implements ServerStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a message the server acknowledged survives a power cut, not only a process crash.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
  }

  async init(): Promise<void> {
    this.db.exec(SCHEMA);
  }

  async createAccount(a: AccountRecord, now: number): Promise<boolean> {
    const r = this.db
      .prepare(
        'insert into accounts (id, email, password_hash, created_at) values (?, ?, ?, ?) on conflict (email) do nothing',
      )
      .run(a.id, a.email, a.passwordHash, now);
    return r.changes === 1;
  }

  async accountByEmail(email: string): Promise<AccountRecord | null> {
    const row = this.db
      .prepare('select id, email, password_hash from accounts where email = ?')
      .get(email) as { id: string; email: string; password_hash: string } | undefined;
    return row ? { id: row.id, email: row.email, passwordHash: row.password_hash } : null;
  }

  async addToken(tokenHash: string, accountId: string, now: number): Promise<void> {
    this.db
      .prepare('insert into tokens (token_hash, account_id, created_at) values (?, ?, ?)')
      .run(tokenHash, accountId, now);
  }

  async tokenAccount(tokenHash: string): Promise<string | null> {
    const row = this.db
      .prepare('select account_id from tokens where token_hash = ? and revoked_at is null')
      .get(tokenHash) as { account_id: string } | undefined;
    return row?.account_id ?? null;
  }

  async revokeToken(tokenHash: string, now: number): Promise<void> {
    this.db
      .prepare('update tokens set revoked_at = ? where token_hash = ? and revoked_at is null')
      .run(now, tokenHash);
  }

  async getKey(accountId: string): Promise<KeyInfo | null> {
    const row = this.db.prepare('select key_info from accounts where id = ?').get(accountId) as
      { key_info: string | null } | undefined;
    return row?.key_info ? (JSON.parse(row.key_info) as KeyInfo) : null;
  }

  async setKeyIfAbsent(accountId: string, key: KeyInfo): Promise<KeyInfo> {
    this.db
      .prepare('update accounts set key_info = ? where id = ? and key_info is null')
      .run(JSON.stringify(key), accountId);
    return (await this.getKey(accountId)) ?? key;
  }

  async merkle(accountId: string): Promise<MerkleTrie> {
    const row = this.db.prepare('select merkle from accounts where id = ?').get(accountId) as
      { merkle: string } | undefined;
    return row ? (JSON.parse(row.merkle) as MerkleTrie) : emptyTrie();
  }

  inAccountTx<T>(accountId: string, fn: (tx: AccountTx) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.db.exec('begin immediate');
      try {
        const result = await fn(this.tx(accountId));
        this.db.exec('commit');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('rollback');
        throw err;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private tx(accountId: string): AccountTx {
    const db = this.db;
    return {
      async lock(): Promise<AccountSyncState> {
        const row = db
          .prepare('select next_seq, used_bytes, used_messages, merkle from accounts where id = ?')
          .get(accountId) as
          { next_seq: number; used_bytes: number; used_messages: number; merkle: string } | undefined;
        if (!row) throw new Error(`account ${accountId} vanished`);
        return {
          nextSeq: row.next_seq,
          usedBytes: row.used_bytes,
          usedMessages: row.used_messages,
          merkle: JSON.parse(row.merkle) as MerkleTrie,
        };
      },
      async existing(ts: string[]) {
        const out = new Map<string, { keyId: string | null; data: string }>();
        const stmt = db.prepare('select key_id, data from messages where account_id = ? and ts = ?');
        for (const t of ts) {
          const row = stmt.get(accountId, t) as { key_id: string | null; data: string } | undefined;
          if (row) out.set(t, { keyId: row.key_id, data: row.data });
        }
        return out;
      },
      async insert(messages: StoredMessage[]) {
        const stmt = db.prepare(
          'insert into messages (account_id, seq, ts, device_id, key_id, data) values (?, ?, ?, ?, ?, ?)',
        );
        for (const m of messages) stmt.run(accountId, m.seq, m.ts, m.deviceId, m.keyId, m.data);
      },
      async save(s: AccountSyncState) {
        db.prepare(
          'update accounts set next_seq = ?, used_bytes = ?, used_messages = ?, merkle = ? where id = ?',
        ).run(s.nextSeq, s.usedBytes, s.usedMessages, JSON.stringify(s.merkle), accountId);
      },
      async after(since: number, limit: number): Promise<StoredMessage[]> {
        const rows = db
          .prepare(
            'select seq, ts, device_id, key_id, data from messages where account_id = ? and seq > ? order by seq limit ?',
          )
          .all(accountId, since, limit) as MessageRow[];
        return rows.map((r) => ({
          seq: r.seq,
          ts: r.ts,
          deviceId: r.device_id,
          keyId: r.key_id,
          data: r.data,
        }));
      },
    };
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }
}
