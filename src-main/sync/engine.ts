/**
 * The sync loop. One run = exchanges until the device has pushed its outbox and pulled
 * everything, then a merkle comparison to prove both sides hold the same messages. Between runs:
 * a steady interval, exponential backoff on network/server failures, the server's Retry-After on
 * 429, and a full stop (until the user acts) on 413, 401/403, clock drift or a wrong key, which
 * retrying cannot fix.
 */
import type { ErrorCode } from '../../src-preload/errors.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ChangeLog } from './change-log.js';
import type { Codec } from './codec.js';
import { KeyMismatchError } from './codec.js';
import { DecryptError } from './crypto.js';
import { ClockDriftError } from './hlc.js';
import { diffTries } from './merkle.js';
import { MAX_MESSAGES_PER_REQUEST, PROTOCOL_VERSION, type Quota } from './protocol.js';
import type { ClientTokenBucket } from './token-bucket.js';
import { SyncHttpError, type SyncTransport } from './transport.js';

/** JSON sent per exchange stays well under the server's default 8 MB body limit. */
const PUSH_CHARS = 3 * 1024 * 1024;
const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 5 * 60_000;

export interface SyncErrorInfo {
  code: ErrorCode;
  message: string;
  /** The server's or the client's specific reason, e.g. CLOCK_DRIFT, QUOTA_EXCEEDED. */
  reason: string | null;
  at: number;
  /** When the next automatic attempt happens (null: none until the user acts). */
  retryAt: number | null;
  details?: Record<string, unknown>;
}

export interface EngineDeps {
  log: ChangeLog;
  now: () => number;
  maxDriftMs: number;
  bucket: ClientTokenBucket;
  logger?: Logger | undefined;
  /** Null when sync is not set up (no server, no token). */
  connect(): Promise<{ transport: SyncTransport; codec: Codec } | null>;
  onApplied(tables: Set<string>): void;
  /** Automatic syncing every this many ms; 0 = only when asked (tests). */
  intervalMs: number;
}

export class SyncEngine {
  running = false;
  lastError: SyncErrorInfo | null = null;
  private chain: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private attempts = 0;
  private blockedUntil = 0;
  private stopped = false;
  private closed = false;

  constructor(private readonly deps: EngineDeps) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Runs a sync now (after any run in progress). Throws an AppError the UI can show. */
  syncNow(manual = true): Promise<void> {
    if (manual) {
      const wait = this.blockedUntil - this.deps.now();
      if (wait > 0) return Promise.reject(rateLimited(wait, 'The sync server asked to wait'));
      const bucketWait = this.deps.bucket.take();
      if (bucketWait > 0) return Promise.reject(rateLimited(bucketWait, 'Syncing too often'));
      // The user asked: a stop (quota, sign-in) is worth trying again.
      this.stopped = false;
    }
    if (this.queued) return this.queued;
    const run = this.chain.then(() => {
      this.queued = null;
      return this.runGuarded();
    });
    this.queued = run;
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** After a local change or a configuration: sync soon, unless stopped or backing off. */
  kick(delayMs = 1500): void {
    if (this.deps.intervalMs <= 0 || this.stopped || this.closed) return;
    this.schedule(Math.max(delayMs, this.blockedUntil - this.deps.now()));
  }

  reset(): void {
    this.stopped = false;
    this.attempts = 0;
    this.blockedUntil = 0;
    this.lastError = null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.chain;
  }

  private schedule(ms: number): void {
    if (this.closed || this.deps.intervalMs <= 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.deps.bucket.take() > 0) return this.schedule(this.deps.intervalMs);
      this.syncNow(false).catch(() => undefined);
    }, ms);
    this.timer.unref();
  }

  private async runGuarded(): Promise<void> {
    this.running = true;
    try {
      await this.runOnce();
      this.attempts = 0;
      this.lastError = null;
      this.schedule(this.deps.intervalMs);
    } catch (err) {
      const info = this.classify(err);
      this.lastError = info;
      this.deps.logger?.warn({ code: info.code, reason: info.reason }, `sync failed: ${info.message}`);
      if (info.retryAt !== null) this.schedule(info.retryAt - this.deps.now());
      throw new AppError(info.code, info.message, { reason: info.reason, ...info.details });
    } finally {
      this.running = false;
    }
  }

  private async runOnce(): Promise<void> {
    const { log, now } = this.deps;
    const conn = await this.deps.connect();
    if (!conn)
      throw new AppError(
        'UNAVAILABLE',
        'Sync is not set up. Enter a server and sign in under Settings → Sync.',
        { reason: 'NOT_CONFIGURED' },
      );
    const { transport, codec } = conn;
    let quotaError: SyncHttpError | null = null;
    let repaired = false;
    for (;;) {
      if (log.clock.driftMs > 0) throw new ClockDriftError(log.clock.driftMs, this.deps.maxDriftMs);
      const pending = quotaError ? [] : log.pending(MAX_MESSAGES_PER_REQUEST, PUSH_CHARS);
      let res;
      try {
        res = await transport.exchange({
          protocol: PROTOCOL_VERSION,
          deviceId: log.deviceId,
          since: log.getState('cursor') ?? '0',
          messages: pending.map((p) => codec.encode(p.ts, p.cell)),
          // After a divergence this device may have lost its own messages (restored backup).
          ...(repaired ? { includeOwn: true } : {}),
        });
      } catch (err) {
        // Full: stop pushing, but keep pulling so this device still gets the others' changes.
        if (err instanceof SyncHttpError && err.status === 413 && !quotaError) {
          quotaError = err;
          continue;
        }
        throw err;
      }
      const offset = res.serverTime - now();
      if (Math.abs(offset) > this.deps.maxDriftMs) {
        throw new AppError(
          'UNAVAILABLE',
          `This computer's clock is ${Math.round(Math.abs(offset) / 1000)} s ${offset > 0 ? 'behind' : 'ahead of'} the sync server's. ` +
            'Set the date and time correctly (automatic time is best), then sync again.',
          { reason: 'CLOCK_DRIFT', offsetMs: offset },
        );
      }
      const received = res.messages.map((m) => ({ ts: m.ts, cell: codec.decode(m) }));
      const touched = log.commitExchange(
        pending.map((p) => p.ts),
        received,
        res.cursor,
      );
      log.setState('quota', JSON.stringify(res.quota satisfies Quota));
      if (touched.size > 0) this.deps.onApplied(touched);
      if (res.more) continue;
      if (quotaError) throw quotaError;
      if (log.pendingCount() > 0) continue;
      if (log.getState('seeded') !== '1') {
        const seeded = log.seedUnsynced();
        log.setState('seeded', '1');
        if (seeded > 0) continue;
      }
      if (res.merkle.hash !== log.merkle().hash) {
        // Both sides should now hold the same messages. They do not: find where they part and
        // exchange everything from there (the server lost data, e.g. restored from a backup).
        if (repaired) {
          this.deps.logger?.warn('sync: merkle still differs after a repair; will compare again next time');
          break;
        }
        repaired = true;
        const from = diffTries(log.merkle(), await transport.merkle());
        if (from !== null) {
          const resent = log.resendFrom(from);
          log.setState('cursor', '0');
          this.deps.logger?.warn(
            { from: new Date(from).toISOString(), resent },
            'sync: replicas diverged; repairing',
          );
          continue;
        }
      }
      break;
    }
    log.setState('last_sync_at', String(now()));
  }

  private classify(err: unknown): SyncErrorInfo {
    const now = this.deps.now();
    const stop = (
      code: ErrorCode,
      message: string,
      reason: string,
      details?: Record<string, unknown>,
    ): SyncErrorInfo => {
      this.stopped = true;
      return { code, message, reason, at: now, retryAt: null, ...(details ? { details } : {}) };
    };
    const retry = (code: ErrorCode, message: string, reason: string, minWaitMs = 0): SyncErrorInfo => {
      const backoff =
        Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempts) * (0.8 + Math.random() * 0.4);
      this.attempts = Math.min(this.attempts + 1, 20);
      const wait = Math.max(backoff, minWaitMs);
      if (minWaitMs > 0) this.blockedUntil = now + minWaitMs;
      return { code, message, reason, at: now, retryAt: this.deps.intervalMs > 0 ? now + wait : null };
    };
    if (err instanceof SyncHttpError) {
      if (err.status === 413) {
        const { usedBytes, limitBytes, usedMessages, limitMessages } = err.body;
        return stop('QUOTA_EXCEEDED', err.message, err.code, {
          usedBytes,
          limitBytes,
          usedMessages,
          limitMessages,
          used: usedBytes,
          limit: limitBytes,
        });
      }
      if (err.status === 429) {
        const wait = err.retryAfterMs ?? BACKOFF_BASE_MS;
        const info = retry('RATE_LIMITED', err.message, err.code, wait);
        return { ...info, details: { retryAfterMs: wait } };
      }
      if (err.status === 401) return stop('UNAUTHORIZED', `${err.message}`, err.code);
      if (err.status === 403) return stop('FORBIDDEN', err.message, err.code);
      if (err.status === 0 || err.status >= 500) return retry('UNAVAILABLE', err.message, err.code);
      return stop('UNAVAILABLE', err.message, err.code);
    }
    if (err instanceof ClockDriftError) return stop('UNAVAILABLE', err.message, 'CLOCK_DRIFT');
    if (err instanceof DecryptError || err instanceof KeyMismatchError)
      return stop('UNAVAILABLE', err.message, 'DECRYPT');
    if (err instanceof AppError) {
      const reason = typeof err.details?.reason === 'string' ? err.details.reason : null;
      return stop(err.code, err.message, reason ?? err.code, err.details);
    }
    this.deps.logger?.error({ err }, 'sync: unexpected failure');
    return retry('INTERNAL', 'Sync failed unexpectedly; the log has the details.', 'INTERNAL');
  }
}

const rateLimited = (ms: number, what: string): AppError =>
  new AppError('RATE_LIMITED', `${what}; try again in ${Math.max(1, Math.ceil(ms / 1000))} s.`, {
    retryAfterMs: ms,
  });
