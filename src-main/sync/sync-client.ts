/**
 * Everything sync on the device, built once by createCore: the change log services record into,
 * the engine, and the account setup behind the sync.* channels. The token and key are read from
 * the SecretStore when needed and never written anywhere else.
 */
import type { SyncStatus } from '../../src-preload/contract/sync.js';
import type { Db } from '../db/open.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { ChangeLog } from './change-log.js';
import { createCodec } from './codec.js';
import { createKey, DEFAULT_KDF, keyIdOf, unlockKey, type KdfParams } from './crypto.js';
import { SyncEngine } from './engine.js';
import { quotaSchema } from './protocol.js';
import { BUILTIN_TABLES, SyncRegistry, type SyncedTable } from './registry.js';
import { SECRET_KEY, SECRET_TOKEN, type SecretStore } from './secret-store.js';
import { ClientTokenBucket } from './token-bucket.js';
import { SyncHttpClient, SyncHttpError, type FetchLike } from './transport.js';

/** What createCore accepts under `sync`. */
export interface SyncOptions {
  /** The OS keychain store (branch secrets). Without one, sync cannot be set up. */
  secretStore?: SecretStore | undefined;
  fetch?: FetchLike | undefined;
  /** Physical clock for HLC timestamps (tests skew it). Defaults to the core's `now`. */
  clock?: (() => number) | undefined;
  /** Extra synced tables (strategies, … and test tables). */
  tables?: SyncedTable[] | undefined;
  /** Automatic sync period; 0 disables the background loop. Default 60 s. */
  intervalMs?: number | undefined;
  /** Timestamps further ahead than this are refused and reported. Default 5 min. */
  maxDriftMs?: number | undefined;
  /** The client's own limit on sync runs: burst and refill period. Default 10 per minute. */
  rate?: { capacity: number; periodMs: number } | undefined;
  /** scrypt cost for a new account key. */
  kdf?: KdfParams | undefined;
}

export interface ConfigureInput {
  serverUrl: string;
  email: string;
  password: string;
  action: 'signIn' | 'register';
  encrypt: boolean;
  passphrase?: string | undefined;
}

export interface SyncClientDeps {
  db: Db;
  localUserId: string;
  logger: Logger;
  now: () => number;
  /** Tables whose rows changed because of received messages. */
  onRemoteChange: (tables: Set<string>) => void;
}

export class SyncClient {
  readonly log: ChangeLog;
  readonly engine: SyncEngine;
  private readonly secrets: SecretStore | undefined;
  private readonly fetchImpl: FetchLike | undefined;
  private readonly kdf: KdfParams;
  /** The key, once read from the SecretStore, stays in memory only. */
  private keyCache: { keyId: string; key: Buffer } | null = null;

  constructor(
    private readonly deps: SyncClientDeps,
    opts: SyncOptions = {},
  ) {
    const clock = opts.clock ?? deps.now;
    const maxDriftMs = opts.maxDriftMs ?? 5 * 60_000;
    this.secrets = opts.secretStore;
    this.fetchImpl = opts.fetch;
    this.kdf = opts.kdf ?? DEFAULT_KDF;
    const registry = new SyncRegistry([...BUILTIN_TABLES, ...(opts.tables ?? [])]);
    this.log = new ChangeLog(deps.db.$client, registry, deps.localUserId, clock, maxDriftMs, deps.logger);
    this.engine = new SyncEngine({
      log: this.log,
      now: clock,
      maxDriftMs,
      bucket: new ClientTokenBucket(opts.rate?.capacity ?? 10, opts.rate?.periodMs ?? 60_000, clock),
      logger: deps.logger,
      intervalMs: opts.intervalMs ?? 60_000,
      connect: () => this.connect(),
      onApplied: deps.onRemoteChange,
    });
    this.log.onRecord = () => this.engine.kick();
    if (this.log.getState('server_url')) this.engine.kick(3000);
  }

  private http(url: string): SyncHttpClient {
    return new SyncHttpClient(url, this.fetchImpl ?? fetch);
  }

  private requireSecrets(): SecretStore {
    if (!this.secrets) {
      throw new AppError(
        'UNAVAILABLE',
        'Sync needs the system keychain to keep its sign-in token and encryption key, and none is available.',
        { reason: 'NO_KEYCHAIN' },
      );
    }
    return this.secrets;
  }

  private async connect() {
    const url = this.log.getState('server_url');
    const accountId = this.log.getState('account_id');
    if (!url || !accountId || !this.secrets) return null;
    const token = await this.secrets.get(SECRET_TOKEN);
    if (!token) {
      throw new AppError('UNAUTHORIZED', 'The sync sign-in is missing from the keychain. Sign in again.', {
        reason: 'NO_TOKEN',
      });
    }
    let key: Buffer | null = null;
    const keyId = this.log.getState('key_id');
    if (this.log.getState('encrypted') === '1' && keyId) {
      if (this.keyCache?.keyId !== keyId) {
        const stored = await this.secrets.get(SECRET_KEY);
        if (!stored) {
          throw new AppError(
            'UNAUTHORIZED',
            'The sync encryption key is missing from the keychain. Sign in again with your passphrase.',
            {
              reason: 'NO_KEY',
            },
          );
        }
        this.keyCache = { keyId, key: Buffer.from(stored, 'base64') };
      }
      key = this.keyCache.key;
    }
    return {
      transport: this.http(url).transport(accountId, token),
      codec: createCodec(key, key ? keyId : null),
    };
  }

  async configure(input: ConfigureInput): Promise<SyncStatus> {
    const secrets = this.requireSecrets();
    const http = this.http(input.serverUrl);
    const email = input.email.toLowerCase();
    const auth = await wrap(() =>
      input.action === 'register' ? http.register(email, input.password) : http.login(email, input.password),
    );
    let key: Buffer | null = null;
    let keyId: string | null = null;
    const published = await wrap(() => http.getKey(auth.accountId, auth.token));
    if (input.encrypt) {
      const passphrase = input.passphrase;
      if (!passphrase) throw new AppError('VALIDATION', 'Enter your sync passphrase.');
      if (published) {
        key = await unlockKey(passphrase, published);
        if (!key) {
          throw new AppError(
            'VALIDATION',
            "That passphrase does not match the one this account's data is encrypted with. Use the passphrase you set on your first device.",
            { reason: 'WRONG_PASSPHRASE' },
          );
        }
        keyId = published.keyId;
      } else {
        const made = await createKey(passphrase, this.kdf);
        const stored = await wrap(() => http.putKey(auth.accountId, auth.token, made.info));
        if (stored?.keyId !== made.info.keyId)
          throw new AppError(
            'VALIDATION',
            'Another device set a passphrase at the same moment. Sign in again.',
          );
        key = made.key;
        keyId = made.info.keyId;
      }
    } else if (published) {
      throw new AppError('VALIDATION', "This account's data is encrypted. Enter its passphrase to sync.", {
        reason: 'PASSPHRASE_REQUIRED',
      });
    }

    await secrets.set(SECRET_TOKEN, auth.token);
    if (key) await secrets.set(SECRET_KEY, key.toString('base64'));
    else await secrets.delete(SECRET_KEY);
    this.keyCache = key && keyId ? { keyId: keyIdOf(key), key } : null;

    const previous = this.log.getState('account_id');
    if (previous !== auth.accountId) {
      // Another account: it gets everything this device knows, and this device reads it from the start.
      this.log.resendAll();
      this.log.setState('cursor', '0');
      this.log.setState('seeded', '0');
    }
    this.log.setState('server_url', input.serverUrl);
    this.log.setState('account_id', auth.accountId);
    this.log.setState('email', email);
    this.log.setState('encrypted', key ? '1' : '0');
    if (keyId) this.log.setState('key_id', keyId);
    else this.log.deleteState(['key_id']);
    this.engine.reset();
    // The first sync's outcome shows in the status; configuring itself has succeeded.
    await this.engine.syncNow(false).catch(() => undefined);
    return this.status();
  }

  async syncNow(): Promise<SyncStatus> {
    await this.engine.syncNow(true);
    return this.status();
  }

  async signOut(): Promise<SyncStatus> {
    const url = this.log.getState('server_url');
    const accountId = this.log.getState('account_id');
    const token = this.secrets ? await this.secrets.get(SECRET_TOKEN) : null;
    if (url && accountId && token) {
      // Best effort: revoke on the server; signing out locally must work offline too.
      await this.http(url)
        .logout(accountId, token)
        .catch((err: unknown) =>
          this.deps.logger.warn({ code: (err as SyncHttpError).code }, 'sync: could not revoke the token'),
        );
    }
    if (this.secrets) {
      await this.secrets.delete(SECRET_TOKEN);
      await this.secrets.delete(SECRET_KEY);
    }
    this.keyCache = null;
    // The account id stays so signing back in to the same account does not resend everything.
    this.log.deleteState(['server_url', 'email', 'key_id', 'encrypted']);
    this.engine.reset();
    return this.status();
  }

  status(): SyncStatus {
    const configured = this.log.getState('server_url') !== null;
    const quotaJson = this.log.getState('quota');
    const quota = quotaJson ? quotaSchema.safeParse(JSON.parse(quotaJson)) : null;
    const last = this.log.getState('last_sync_at');
    const err = this.engine.lastError;
    return {
      configured,
      serverUrl: this.log.getState('server_url'),
      email: this.log.getState('email'),
      encrypted: this.log.getState('encrypted') === '1',
      state: !configured
        ? 'off'
        : this.engine.running
          ? 'syncing'
          : err && this.engine.isStopped
            ? 'stopped'
            : err
              ? 'error'
              : 'idle',
      lastSyncAt: last ? Number(last) : null,
      pending: this.log.pendingCount(),
      error: err
        ? { code: err.code, message: err.message, reason: err.reason, at: err.at, retryAt: err.retryAt }
        : null,
      quota: quota?.success ? quota.data : null,
      deviceId: this.log.deviceId,
    };
  }

  /** A local synced change happened: push it soon. */
  changed(): void {
    this.engine.kick();
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

/** Server refusals during setup, as errors the Settings page can show. */
async function wrap<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof SyncHttpError)) throw err;
    if (err.status === 401) throw new AppError('UNAUTHORIZED', err.message, { reason: err.code });
    if (err.status === 409) throw new AppError('VALIDATION', err.message, { reason: err.code });
    if (err.status === 429)
      throw new AppError('RATE_LIMITED', err.message, { retryAfterMs: err.retryAfterMs ?? 1000 });
    if (err.status === 400) throw new AppError('VALIDATION', err.message, { reason: err.code });
    throw new AppError('UNAVAILABLE', err.message, { reason: err.code });
  }
}
