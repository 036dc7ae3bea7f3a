/**
 * Light replicas for property tests: the real ChangeLog and SyncEngine on an in-memory SQLite
 * with the real migrations, talking to the real SyncService on an in-memory server store through
 * a transport that can lose or duplicate requests. No HTTP, so hundreds of runs stay fast.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { openDatabase, type Db } from '../../src-main/db/open.js';
import { ensureLocalUser } from '../../src-main/user/local-user.js';
import { ChangeLog } from '../../src-main/sync/change-log.js';
import { createCodec } from '../../src-main/sync/codec.js';
import { keyIdOf } from '../../src-main/sync/crypto.js';
import { SyncEngine } from '../../src-main/sync/engine.js';
import type { MerkleTrie } from '../../src-main/sync/merkle.js';
import {
  syncRequestSchema,
  syncResponseSchema,
  type SyncRequest,
  type SyncResponse,
} from '../../src-main/sync/protocol.js';
import { BUILTIN_TABLES, SyncRegistry } from '../../src-main/sync/registry.js';
import { ClientTokenBucket } from '../../src-main/sync/token-bucket.js';
import { SyncHttpError, type SyncTransport } from '../../src-main/sync/transport.js';
import { StrategyService } from '../../src-main/strategies/strategy-service.js';
import { SqliteStore } from '../../server/store/sqlite-store.js';
import { SyncService } from '../../server/sync-service.js';
import { HttpError } from '../../server/http-error.js';
import { NOTES_DDL, notesTable } from './sync-cores.js';

const MIGRATIONS = path.resolve(import.meta.dirname, '../../migrations');
const KEY = Buffer.alloc(32, 7);

export type Fault = 'none' | 'dropRequest' | 'dropResponse' | 'duplicate';

export class MemoryServer {
  readonly store = new SqliteStore(':memory:');
  readonly accountId = randomUUID();
  service!: SyncService;

  static async create(
    now: () => number,
    limits: Partial<ConstructorParameters<typeof SyncService>[1]> = {},
  ): Promise<MemoryServer> {
    const s = new MemoryServer();
    await s.store.init();
    await s.store.createAccount({ id: s.accountId, email: `${s.accountId}@x.test`, passwordHash: 'x' }, 0);
    s.service = new SyncService(
      s.store,
      { maxBytes: 1e12, maxMessages: 1e9, maxClockDriftMs: 3_600_000, pageSize: 50, ...limits },
      now,
    );
    return s;
  }

  /** A transport whose next call suffers `fault()`; bodies go through JSON like on the wire. */
  transport(fault: () => Fault): SyncTransport {
    const call = async (req: SyncRequest): Promise<SyncResponse> => {
      try {
        const wireReq = syncRequestSchema.parse(JSON.parse(JSON.stringify(req)));
        return syncResponseSchema.parse(
          JSON.parse(JSON.stringify(await this.service.exchange(this.accountId, wireReq))),
        );
      } catch (err) {
        if (err instanceof HttpError) throw new SyncHttpError(err.status, err.code, err.message, err.body());
        throw err;
      }
    };
    return {
      exchange: async (req) => {
        const f = fault();
        if (f === 'dropRequest') throw new SyncHttpError(0, 'NETWORK', 'request lost');
        if (f === 'dropResponse') {
          await call(req);
          throw new SyncHttpError(0, 'NETWORK', 'response lost');
        }
        if (f === 'duplicate') await call(req);
        return call(req);
      },
      merkle: (): Promise<MerkleTrie> => this.store.merkle(this.accountId),
    };
  }
}

export class Replica {
  readonly db: Db;
  readonly log: ChangeLog;
  readonly engine: SyncEngine;
  /** The real service, recording into this replica's log (strategy properties). */
  readonly strategies: StrategyService;
  readonly userId: string;
  fault: Fault = 'none';

  constructor(server: MemoryServer, clock: () => number) {
    this.db = openDatabase(':memory:', MIGRATIONS);
    this.db.$client.exec(NOTES_DDL);
    const userId = ensureLocalUser(this.db, clock());
    this.userId = userId;
    this.log = new ChangeLog(
      this.db.$client,
      new SyncRegistry([...BUILTIN_TABLES, notesTable]),
      userId,
      clock,
      3_600_000,
    );
    const codec = createCodec(KEY, keyIdOf(KEY));
    const transport = server.transport(() => this.fault);
    this.engine = new SyncEngine({
      log: this.log,
      now: clock,
      maxDriftMs: 3_600_000,
      bucket: new ClientTokenBucket(1e9, 1000, clock),
      intervalMs: 0,
      connect: async () => ({ transport, codec }),
      onApplied: () => undefined,
    });
    this.strategies = new StrategyService(this.db, clock);
    this.strategies.syncVia(this.log);
  }

  /** Strategy rows and versions as synced (no local stamps), and what the service shows. */
  strategyState(): unknown {
    const q = (sql: string): unknown[] => this.db.$client.prepare(sql).all();
    return {
      strategies: q(
        'select id, name, description, template_id, latest_version_id, latest_version, created_at, deleted_at from strategies order by id',
      ),
      versions: q(
        'select id, strategy_id, version, source, note, created_at from strategy_versions order by id',
      ),
      shown: this.strategies
        .list(this.userId)
        .map(({ updatedAt: _local, ...rest }) => rest)
        .sort((x, y) => x.id.localeCompare(y.id)),
    };
  }

  /** Visible state: the rows without local bookkeeping columns. */
  state(): unknown[] {
    return this.db.$client.prepare('select id, name, code, deleted_at from test_notes order by id').all();
  }

  timestamps(): string[] {
    return (
      this.db.$client.prepare('select ts from sync_messages order by ts').all() as { ts: string }[]
    ).map((r) => r.ts);
  }

  close(): void {
    this.db.$client.close();
  }
}
