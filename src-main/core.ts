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
import { InProcessBacktestRunner, type BacktestRunner } from './backtest/runner.js';
import { auditHandlers } from './audit/handlers.js';
import { ensureWritableDir, findMigrationsDir, openDatabase, type Db } from './db/open.js';
import { createRouter, type CallContext, type Handlers, type RateLimiterPort } from './ipc/router.js';
import { createLogger, type Logger } from './logger.js';
import { strategyHandlers } from './strategies/handlers.js';
import { StrategyService } from './strategies/strategy-service.js';
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
  /** Where backtests read bars. Default: CSV files in <dataDir>/datasets (until data import lands). */
  barSource?: BarSource | undefined;
  /** Where strategy code runs. Default: in-process (tests/CLI only) until the sandbox runner is wired. */
  backtestRunner?: BacktestRunner | undefined;
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
  const prefs = new PreferencesService(db, now);

  const strategyService = new StrategyService(db, now);
  const runner = options.backtestRunner ?? new InProcessBacktestRunner();
  const barSource = options.barSource ?? new CsvBarSource({}, path.join(dataDir, 'datasets'));
  const backtests = new BacktestService(db, strategyService, barSource, runner, logger, now);

  const bus = new EventEmitter();
  bus.setMaxListeners(100);
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    bus.emit(event, payload);
    bus.emit('*', event, payload);
  };

  const handlers: Handlers = {
    ...userHandlers(prefs),
    ...auditHandlers(audit),
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
      await backtests.close();
      bus.removeAllListeners();
      sqlite.close();
      logger.info('core closed');
      logger.flush();
    },
  };
}
