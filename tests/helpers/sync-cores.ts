/** Cores wired for sync tests: an in-memory secret store each, no background loop, a test table. */
import { z } from 'zod';
import type { CoreOptions } from '../../src-main/core.js';
import { InMemorySecretStoreForTests } from '../../src-main/sync/secret-store.js';
import type { SyncedTable } from '../../src-main/sync/registry.js';
import type { Core } from '../../src-main/core.js';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../src-preload/contract.js';
import { tempCore } from './temp-core.js';

/**
 * A synced table that exists only in tests, standing in for strategies until branch backtest
 * lands: a UUID row with a name, a code body and a tombstone.
 */
export const NOTES_DDL = `create table if not exists test_notes (
  id text primary key,
  user_id text not null,
  name text not null,
  code text not null,
  created_at integer not null,
  updated_at integer not null,
  deleted_at integer
)`;

export const notesTable: SyncedTable = {
  name: 'test_notes',
  primaryKey: 'id',
  userColumn: 'user_id',
  createdAtColumn: 'created_at',
  updatedAtColumn: 'updated_at',
  columns: {
    name: { schema: z.string().max(200) },
    code: { schema: z.string().max(50_000) },
    deleted_at: { schema: z.number().int().nullable(), default: null },
  },
};

/** scrypt cost for tests: the real default takes ~0.3 s and 128 MiB per derivation. */
export const TEST_KDF = { N: 2 ** 14, r: 8, p: 1 };

export interface SyncCore {
  core: Core;
  secrets: InMemorySecretStoreForTests;
  dataDir: string;
  cleanup(): Promise<void>;
}

export async function syncCore(
  opts: Partial<CoreOptions> & { secrets?: InMemorySecretStoreForTests } = {},
): Promise<SyncCore> {
  const secrets = opts.secrets ?? new InMemorySecretStoreForTests();
  const t = await tempCore({
    ...opts,
    sync: {
      secretStore: secrets,
      intervalMs: 0,
      tables: [notesTable],
      kdf: TEST_KDF,
      rate: { capacity: 10_000, periodMs: 1000 },
      ...opts.sync,
    },
  });
  t.core.db.$client.exec(NOTES_DDL);
  return { core: t.core, secrets, dataDir: t.dataDir, cleanup: t.cleanup };
}

export type NoteRow = { id: string; name: string; code: string; deleted_at: number | null };

export const notes = (core: Core): NoteRow[] =>
  core.db.$client.prepare('select id, name, code, deleted_at from test_notes order by id').all() as NoteRow[];

/** Calls a channel and returns its typed data, failing the test with the error otherwise. */
export async function call<C extends ChannelName>(
  core: Core,
  channel: C,
  input?: ChannelInput<C>,
): Promise<ChannelOutput<C>> {
  const r = await core.invoke(channel, input);
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code}: ${r.error.message}`);
  return r.data as ChannelOutput<C>;
}

/**
 * Two devices of one freshly registered account, both signed in with the same passphrase.
 * `more` is passed to both cores (e.g. a bar source); `track` receives them for cleanup.
 */
export async function signedInPair(
  serverUrl: string,
  track: SyncCore[],
  more: Partial<CoreOptions> = {},
): Promise<[SyncCore, SyncCore]> {
  const a = await syncCore(more);
  const b = await syncCore(more);
  track.push(a, b);
  const creds = {
    serverUrl,
    email: `${crypto.randomUUID()}@example.test`,
    password: 'correct horse battery',
    passphrase: 'staple of secrets',
  };
  await call(a.core, 'sync.configure', { ...creds, action: 'register' });
  const sb = await call(b.core, 'sync.configure', creds);
  if (sb.state !== 'idle') throw new Error(`second device did not sync: ${JSON.stringify(sb.error)}`);
  return [a, b];
}
