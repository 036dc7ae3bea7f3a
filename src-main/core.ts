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
import { BacktestService } from './backtest/backtest-service.js';
import { CsvBarSource, type BarSource } from './backtest/bar-source.js';
import { backtestHandlers } from './backtest/handlers.js';
import type { BacktestRunner } from './backtest/runner.js';
import { SandboxBacktestRunner, type BacktestLimits } from './backtest/sandbox-runner.js';
import { StoredBarSource } from './backtest/stored-bar-source.js';
import { auditHandlers } from './audit/handlers.js';
import { createDataModule, type DataModule } from './data/module.js';
import type { FileDialog } from './data/handlers.js';
import { ensureWritableDir, findMigrationsDir, openDatabase, type Db } from './db/open.js';
import { createRouter, type CallContext, type Handlers, type RateLimiterPort } from './ipc/router.js';
import { createLogger, type Logger } from './logger.js';
import { rateLimitHandlers } from './ratelimit/handlers.js';
import { RateLimitService, type RedisPasswordStore } from './ratelimit/service.js';
import type { RateLimits } from './ratelimit/types.js';
import { secretsHandlers } from './secrets/handlers.js';
import { KeyringSecretStore } from './secrets/keyring-secret-store.js';
import { redisPasswordFromSecrets } from './secrets/redis-password.js';
import type { SecretStore } from './secrets/secret-store.js';
import { sandboxHandlers } from './sandbox/handlers.js';
import { SandboxPool, type SandboxPoolOptions } from './sandbox/sandbox-pool.js';
import { syncHandlers } from './sync/handlers.js';
import { SyncClient, type SyncOptions } from './sync/sync-client.js';
import { strategyHandlers } from './strategies/handlers.js';
import { StrategyService } from './strategies/strategy-service.js';
import { userHandlers } from './user/handlers.js';
import { ensureLocalUser } from './user/local-user.js';
import { PreferencesService } from './user/preferences-service.js';

export interface CoreOptions {
  /** Where the database, files and logs live. Created if missing; must be writable. */
  dataDir: string;
  /** Redis for shared rate limits, unless the user saved another URL (or none) in settings. */
  redisUrl?: string | undefined;
  /** Limits replacing the defaults per category; what the user saved with ratelimit.configure wins. */
  rateLimits?: Partial<RateLimits> | undefined;
  /** SEAM for the keychain issue: where the Redis password is kept between runs. */
  redisPasswordStore?: RedisPasswordStore | undefined;
  /** Which frame URLs may call in over IPC. Default: the packaged renderer's file:// pages. */
  isTrustedFrame?: ((url: string) => boolean) | undefined;
  migrationsDir?: string | undefined;
  logger?: Logger | undefined;
  /** Replaces the decisions only; ratelimit.status/configure still show and edit the built-in limiter. */
  limiter?: RateLimiterPort | undefined;
  /** Validate every handler's output against the contract (tests). */
  checkOutputs?: boolean | undefined;
  now?: (() => number) | undefined;
  /** Where secrets live. Default: the OS keychain (there is no plain-text alternative). */
  secretStore?: SecretStore | undefined;
  /** Keychain service name for the default store; tests use their own. Default 'quantdesk'. */
  secretsService?: string | undefined;
  /** Main-side file picker for data imports (Electron's dialog in the app, a stub in tests). */
  dialog?: FileDialog | undefined;
  /** Storage quotas; unset fields keep the defaults (100 MB and 50 files per user, 100 GB in all). */
  quota?: { userBytes?: number; userFiles?: number; globalBytes?: number } | undefined;
  /** Free-disk probe for the file store (tests simulate a full disk). Default: fs.statfs. */
  freeDiskBytes?: ((dir: string) => Promise<number>) | undefined;
  /** Sandbox host pool: how hosts start, how many, warm or cold (see docs/sandbox.md). */
  sandbox?: SandboxPoolOptions | undefined;
  /** Sync: the keychain-backed SecretStore, and fetch/clock/tables for tests. */
  sync?: SyncOptions | undefined;
  /** Where backtests read bars. Default: imported datasets, then CSV files in <dataDir>/datasets. */
  barSource?: BarSource | undefined;
  /**
   * Where strategy code runs. Default: the sandbox (SandboxBacktestRunner over the same host pool
   * as sandbox.execute). Only engine unit tests and the benchmark's reference line run in-process.
   */
  backtestRunner?: BacktestRunner | undefined;
  /** Time and memory a backtest (and each sweep set) gets in the sandbox; default 300 s, 1024 MB. */
  backtestLimits?: Partial<BacktestLimits> | undefined;
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
  /** Secrets for main-side services (sync, Redis); the renderer only sees names via channels. */
  readonly secrets: SecretStore;
  /** Import, storage and bars services (tests and benchmarks reach in here). */
  readonly data: DataModule;
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
  const secrets = options.secretStore ?? new KeyringSecretStore({ service: options.secretsService });
  const rateLimits = await RateLimitService.open({
    db,
    logger,
    now,
    baseline: options.rateLimits,
    redisUrl: options.redisUrl,
    passwordStore: options.redisPasswordStore ?? redisPasswordFromSecrets(secrets, logger),
  });
  const sandbox = new SandboxPool(options.sandbox ?? {}, logger);

  const strategyService = new StrategyService(db, now);
  // Backtests share the console's pool: hosts stay warm for both, and a sweep fans out over all of them.
  const runner = options.backtestRunner ?? new SandboxBacktestRunner(sandbox, options.backtestLimits);

  const bus = new EventEmitter();
  bus.setMaxListeners(100);
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    bus.emit(event, payload);
    bus.emit('*', event, payload);
  };

  const data = createDataModule({
    sqlite,
    dataDir,
    logger,
    now,
    quota: options.quota,
    dialog: options.dialog,
    freeDiskBytes: options.freeDiskBytes,
  });
  const barSource =
    options.barSource ??
    new StoredBarSource(
      { query: data.query, datasets: data.datasets, userId: localUserId },
      new CsvBarSource({}, path.join(dataDir, 'datasets')),
    );
  const backtests = new BacktestService(db, strategyService, barSource, runner, logger, now);
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
    // Sync keeps its token and key in the same keychain store as every other secret.
    { ...options.sync, secretStore: options.sync?.secretStore ?? secrets },
  );
  const prefs = new PreferencesService(db, now, sync.log);
  // Built above, before sync exists; from here on their writes record synced cells.
  strategyService.syncVia(sync.log);
  backtests.syncVia(sync.log);

  const handlers: Handlers = {
    ...userHandlers(prefs),
    ...auditHandlers(audit),
    ...secretsHandlers(secrets),
    ...data.handlers,
    ...rateLimitHandlers(rateLimits),
    ...sandboxHandlers(sandbox, audit, logger),
    ...syncHandlers(sync),
    ...strategyHandlers(strategyService, runner),
    ...backtestHandlers(backtests),
  };

  const invoke = createRouter({
    contract,
    handlers,
    localUserId,
    isTrustedFrame: options.isTrustedFrame ?? defaultTrustedFrame,
    audit,
    logger,
    emit,
    limiter: options.limiter ?? rateLimits.limiter,
    checkOutputs: options.checkOutputs,
  });

  let closed = false;
  logger.info({ dataDir }, 'core ready');

  return {
    dataDir,
    localUserId,
    logger,
    db,
    secrets,
    data,
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
      await backtests.close();
      bus.removeAllListeners();
      await rateLimits.close();
      if (!options.secretStore) await secrets.close?.(); // an injected store belongs to its caller
      await sandbox.close();
      sqlite.close();
      logger.info('core closed');
      logger.flush();
    },
  };
}
