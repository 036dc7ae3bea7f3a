import type { Worker } from 'node:worker_threads';
import { isSecretName } from '../../src-preload/contract/secrets.js';
import { AppError } from '../errors.js';
import {
  resolveKeyringModule,
  startKeyringWorker,
  type KeychainOp,
  type KeychainReply,
} from './keyring-worker.js';
import { DEFAULT_SECRETS_SERVICE, type SecretName, type SecretStore } from './secret-store.js';
import { keychainUnavailable } from './unavailable.js';

export interface KeyringSecretStoreOptions {
  /** Keychain service name the entries are filed under. */
  service?: string;
  /**
   * How long one keychain call may take. A Secret Service may be showing an unlock prompt, so
   * this is generous; past it the call fails with UNAVAILABLE instead of hanging a handler.
   */
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}

// Errors keyring reports when the store itself is unreachable, locked or refused access
// (Secret Service missing, no D-Bus session, no default collection, Keychain locked, …).
const UNREACHABLE =
  /platform failure|platform (secure )?storage|no storage access|dbus|zbus|secret service|keychain|locked|credential manager|cannot find module|not load/i;

class KeychainTimeout extends Error {}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

/**
 * SecretStore on the OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential
 * Manager, Linux Secret Service (pinned to it: keyring's default would silently fall back to the
 * kernel keyring, which forgets everything at logout). One entry per secret: service =
 * `service`, account = the secret's name. Calls run on a worker thread (see keyring-worker.ts).
 */
export class KeyringSecretStore implements SecretStore {
  readonly service: string;
  private readonly timeoutMs: number;
  private readonly platform: NodeJS.Platform;
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Calls run one at a time so set's "was it there before?" cannot race another set. */
  private queue: Promise<unknown> = Promise.resolve();
  /** A timed-out call is still blocked in the keychain; fail fast until it returns. */
  private stuck = false;

  constructor(opts: KeyringSecretStoreOptions = {}) {
    this.service = opts.service ?? DEFAULT_SECRETS_SERVICE;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.platform = opts.platform ?? process.platform;
  }

  async set(name: SecretName, value: string): Promise<{ rotated: boolean }> {
    return (await this.call({ op: 'set', name, value })) as { rotated: boolean };
  }

  async get(name: SecretName): Promise<string | null> {
    return (await this.call({ op: 'get', name })) as string | null;
  }

  async has(name: SecretName): Promise<boolean> {
    return (await this.get(name)) !== null;
  }

  /**
   * Enumerates the keychain itself (findCredentials) rather than keeping an index in SQLite:
   * the keychain stays the single source of truth, so an entry removed in Seahorse or Keychain
   * Access disappears from the list too. findCredentials also reads the values; the worker
   * drops them and sends back account names only. Foreign accounts under the service are ignored.
   */
  async list(): Promise<SecretName[]> {
    const accounts = (await this.call({ op: 'list' })) as string[];
    return [...new Set(accounts.filter(isSecretName))].sort();
  }

  async delete(name: SecretName): Promise<boolean> {
    return (await this.call({ op: 'delete', name })) as boolean;
  }

  /** Stops the worker. A call blocked in native code cannot be interrupted; we do not wait for it. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await Promise.race([w.terminate(), new Promise((r) => setTimeout(r, 1000).unref())]);
  }

  private call(req: KeychainOp): Promise<unknown> {
    const next = this.queue.then(() => this.send(req));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async send(req: KeychainOp): Promise<unknown> {
    if (this.stuck) {
      throw keychainUnavailable(
        this.platform,
        `the keychain has not answered an earlier request yet (${req.op})`,
      );
    }
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const reply = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    worker.ref(); // keep the process alive while a call is out; unref'd again when idle
    worker.postMessage({ ...req, id });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KeychainTimeout()), this.timeoutMs);
    });
    try {
      return await Promise.race([reply, timedOut]);
    } catch (err) {
      if (err instanceof KeychainTimeout) {
        this.stuck = true;
        const release = (): void => void (this.stuck = false);
        reply.then(release, release);
      }
      throw this.translate(req.op, err);
    } finally {
      clearTimeout(timer);
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    let modulePath: string;
    try {
      modulePath = resolveKeyringModule();
    } catch (err) {
      throw keychainUnavailable(this.platform, `keychain module not found: ${(err as Error).message}`);
    }
    const worker = startKeyringWorker(this.service, modulePath);
    worker.unref();
    worker.on('message', (msg: KeychainReply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.message));
    });
    // The native module failed to load, or the thread died: fail what is out, start afresh later.
    const fail = (err: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) =>
      fail(new Error(`keychain worker stopped (exit ${code}): keychain module did not load or crashed`)),
    );
    this.worker = worker;
    return worker;
  }

  private translate(op: string, err: unknown): Error {
    if (err instanceof AppError) return err;
    if (err instanceof KeychainTimeout) {
      // For set, the value may still land once the keychain wakes up; `has` tells.
      return keychainUnavailable(
        this.platform,
        `the keychain did not answer within ${this.timeoutMs / 1000} s (${op})`,
      );
    }
    const message = err instanceof Error ? err.message : String(err);
    if (UNREACHABLE.test(message)) return keychainUnavailable(this.platform, message);
    // Anything else is a bug or an odd keychain state: INTERNAL, logged by the router.
    return new Error(`keychain ${op} failed: ${message}`);
  }
}
