/**
 * What the server needs from its storage. Two implementations: embedded SQLite (default) and
 * PostgreSQL (DATABASE_URL, for several server processes). The sync rules live once, in
 * sync-service.ts, on top of `inAccountTx`, which serialises writers of one account: that is what
 * makes sequence numbers gap-free and commit-ordered, so a cursor never skips a late commit.
 */
import type { KeyInfo } from '../../src-main/sync/crypto.js';
import type { MerkleTrie } from '../../src-main/sync/merkle.js';

export interface AccountRecord {
  id: string;
  email: string;
  passwordHash: string;
}

export interface AccountSyncState {
  /** Sequence number the next stored message gets. */
  nextSeq: number;
  usedBytes: number;
  usedMessages: number;
  merkle: MerkleTrie;
}

export interface StoredMessage {
  seq: number;
  ts: string;
  deviceId: string;
  keyId: string | null;
  data: string;
}

export interface AccountTx {
  /** Locks the account for the rest of the transaction and reads its counters. */
  lock(): Promise<AccountSyncState>;
  existing(ts: string[]): Promise<Map<string, { keyId: string | null; data: string }>>;
  insert(messages: StoredMessage[]): Promise<void>;
  save(state: AccountSyncState): Promise<void>;
  /** Messages with seq > since, in seq order. */
  after(since: number, limit: number): Promise<StoredMessage[]>;
}

export interface ServerStore {
  readonly kind: 'sqlite' | 'postgres';
  init(): Promise<void>;
  /** False when the email is taken. */
  createAccount(a: AccountRecord, now: number): Promise<boolean>;
  accountByEmail(email: string): Promise<AccountRecord | null>;
  addToken(tokenHash: string, accountId: string, now: number): Promise<void>;
  /** The account of a live (not revoked) token. */
  tokenAccount(tokenHash: string): Promise<string | null>;
  revokeToken(tokenHash: string, now: number): Promise<void>;
  getKey(accountId: string): Promise<KeyInfo | null>;
  /** Stores the key info unless one is already there; returns what is stored. */
  setKeyIfAbsent(accountId: string, key: KeyInfo): Promise<KeyInfo>;
  inAccountTx<T>(accountId: string, fn: (tx: AccountTx) => Promise<T>): Promise<T>;
  merkle(accountId: string): Promise<MerkleTrie>;
  close(): Promise<void>;
}
