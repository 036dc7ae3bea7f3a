/**
 * Server settings, from the environment (docs/server.md lists them). Everything has a default so
 * `npm run server` works out of the box on an embedded SQLite file.
 */
export interface ServerConfig {
  host: string;
  port: number;
  /** SQLite file used when `databaseUrl` is not set. */
  sqliteFile: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Largest request body accepted; bigger → 400. */
  bodyLimitBytes: number;
  quota: {
    maxBytes: number;
    maxMessages: number;
  };
  rate: {
    /** Sync exchanges per account: burst and the time to refill it. */
    syncCapacity: number;
    syncPeriodMs: number;
    /** Register/login attempts per client IP. */
    authCapacity: number;
    authPeriodMs: number;
  };
  /** Pushed timestamps further ahead of the server clock are refused. */
  maxClockDriftMs: number;
  /** Messages returned per exchange (also capped at ~4 MB of data). */
  pageSize: number;
  logLevel: string;
}

const MB = 1024 * 1024;
/** "50 files" in the app's storage quota, counted in sync messages: one file ≈ 10,000 cells. */
export const MESSAGES_PER_FILE_EQUIVALENT = 10_000;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const num = (name: string, dflt: number): number => {
    const v = env[name];
    if (v === undefined || v === '') return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
    return n;
  };
  return {
    host: env.HOST ?? '127.0.0.1',
    port: num('PORT', 8787),
    sqliteFile: env.SQLITE_FILE ?? 'quantdesk-sync.db',
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    bodyLimitBytes: num('BODY_LIMIT_BYTES', 8 * MB),
    quota: {
      maxBytes: num('QUOTA_MAX_BYTES', 100 * MB),
      maxMessages: num('QUOTA_MAX_MESSAGES', 50 * MESSAGES_PER_FILE_EQUIVALENT),
    },
    rate: {
      syncCapacity: num('RATE_SYNC_BURST', 120),
      syncPeriodMs: num('RATE_SYNC_PERIOD_MS', 60_000),
      authCapacity: num('RATE_AUTH_BURST', 30),
      authPeriodMs: num('RATE_AUTH_PERIOD_MS', 60_000),
    },
    maxClockDriftMs: num('MAX_CLOCK_DRIFT_MS', 5 * 60_000),
    pageSize: num('PAGE_SIZE', 1000),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
