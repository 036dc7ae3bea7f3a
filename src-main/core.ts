/**
 * createCore: the whole main process minus Electron. It opens the database, runs migrations,
 * builds the services and the router. The Electron shell, the headless CLI, the browser harness
 * and the tests all drive Quantdesk through the object it returns. Never import 'electron' here.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { contract, type EventName, type EventPayload } from '../src-preload/contract.js';
import type { Result } from '../src-preload/errors.js';
import { AuditLog } from './audit/audit-log.js';
import { auditHandlers } from './audit/handlers.js';
import { ensureWritableDir, findMigrationsDir, openDatabase, type Db } from './db/open.js';
import { createRouter, type CallContext, type Handlers, type RateLimiterPort } from './ipc/router.js';
import { createLogger, type Logger } from './logger.js';
import { syncHandlers } from './sync/handlers.js';
import { SyncClient, type SyncOptions } from './sync/sync-client.js';
import { userHandlers } from './user/handlers.js';
import { ensureLocalUser } from './user/local-user.js';
import { PreferencesService } from './user/preferences-service.js';

export interface CoreOptions {
  /** Where the database, files and logs live. Created if missing; must be writable. */
  dataDir: string;
  /** Redis for shared rate limits (used once the limiter lands). */
  redisUrl?: string | undefined;
  /** Which frame URLs may call in over IPC. Default: the packaged renderer's file:// pages. */
  isTrustedFrame?: ((url: string) => boolean) | undefined;
  migrationsDir?: string | undefined;
  logger?: Logger | undefined;
  limiter?: RateLimiterPort | undefined;
  /** Validate every handler's output against the contract (tests). */
  checkOutputs?: boolean | undefined;
  now?: (() => number) | undefined;
  /** Sync: the keychain-backed SecretStore, and fetch/clock/tables for tests. */
  sync?: SyncOptions | undefined;
}

export interface Core {
  invoke(channel: string, input?: unknown, ctx?: CallContext): Promise<Result<unknown>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Every event, for transports (IPC, WebSocket) that forward them all. */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void;
  close(): Promise<void>;
  readonly dataDir: string;
  readonly localUserId: string;
  readonly logger: Logger;
  /** The open database, for tests and benchmarks that inspect state directly. */
  readonly db: Db;
  /** Sync: services record synced changes through `sync.log`; tests and benchmarks drive it. */
  readonly sync: SyncClient;
}

const defaultTrustedFrame = (url: string): boolean => url.startsWith('file://');

export async function createCore(options: CoreOptions): Promise<Core> {
  const dataDir = path.resolve(options.dataDir);
  ensureWritableDir(dataDir);
  const logger = options.logger ?? createLogger(dataDir);
  const now = options.now ?? Date.now;
  const migrationsDir = options.migrationsDir ?? findMigrationsDir(import.meta.dirname);
  const db = openDatabase(path.join(dataDir, 'quantdesk.db'), migrationsDir);
  const sqlite = db.$client;

  const localUserId = ensureLocalUser(db, now());
  const audit = new AuditLog(sqlite, now);

  const bus = new EventEmitter();
  bus.setMaxListeners(100);
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    bus.emit(event, payload);
    bus.emit('*', event, payload);
  };

  const sync = new SyncClient(
    {
      db,
      localUserId,
      logger,
      now,
      onRemoteChange: (tables) => {
        if (tables.has('preferences') || tables.has('users')) {
          emit('preferences.changed', { ...prefs.get(localUserId), mode: prefs.getMode(localUserId) });
        }
      },
    },
    options.sync,
  );
  const prefs = new PreferencesService(db, now, sync.log);

  const handlers: Handlers = {
    ...userHandlers(prefs),
    ...auditHandlers(audit),
    ...syncHandlers(sync),
  };

  const invoke = createRouter({
    contract,
    handlers,
    localUserId,
    isTrustedFrame: options.isTrustedFrame ?? defaultTrustedFrame,
    audit,
    logger,
    emit,
    limiter: options.limiter,
    checkOutputs: options.checkOutputs,
  });

  let closed = false;
  logger.info({ dataDir }, 'core ready');

  return {
    dataDir,
    localUserId,
    logger,
    db,
    sync,
    invoke: (channel, input, ctx) => {
      if (closed) {
        return Promise.resolve({
          ok: false,
          error: { code: 'UNAVAILABLE', message: 'Quantdesk is shutting down.' },
        });
      }
      return invoke(channel, input, ctx);
    },
    on(event, listener) {
      bus.on(event, listener as (p: unknown) => void);
      return () => bus.off(event, listener as (p: unknown) => void);
    },
    onAny(listener) {
      bus.on('*', listener);
      return () => bus.off('*', listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      await sync.close();
      bus.removeAllListeners();
      sqlite.close();
      logger.info('core closed');
      logger.flush();
    },
  };
}
