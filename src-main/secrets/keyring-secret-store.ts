import type { AsyncEntry as AsyncEntryType } from '@napi-rs/keyring';
import { isSecretName } from '../../src-preload/contract/secrets.js';
import { AppError } from '../errors.js';
import { DEFAULT_SECRETS_SERVICE, type SecretName, type SecretStore } from './secret-store.js';
import { keychainUnavailable } from './unavailable.js';

type KeyringModule = typeof import('@napi-rs/keyring');

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
const UNREACHABLE = /platform failure|platform (secure )?storage|no storage access|dbus|zbus|secret service|keychain|locked|credential manager/i;

/**
 * SecretStore on the OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential
 * Manager, Linux Secret Service. Each secret is one entry: service = `service`, account = name.
 */
export class KeyringSecretStore implements SecretStore {
  readonly service: string;
  private readonly timeoutMs: number;
  private readonly platform: NodeJS.Platform;
  private keyring: Promise<KeyringModule> | undefined;
  /** Calls run one at a time so set's "was it there before?" check cannot race another set. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(opts: KeyringSecretStoreOptions = {}) {
    this.service = opts.service ?? DEFAULT_SECRETS_SERVICE;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.platform = opts.platform ?? process.platform;
  }

  set(name: SecretName, value: string): Promise<{ rotated: boolean }> {
    return this.run('set', async (k, signal) => {
      const entry = this.entry(k, name);
      const rotated = (await entry.getPassword(signal)) !== null;
      await entry.setPassword(value, signal);
      return { rotated };
    });
  }

  get(name: SecretName): Promise<string | null> {
    return this.run('get', (k, signal) => this.entry(k, name).getPassword(signal));
  }

  has(name: SecretName): Promise<boolean> {
    return this.run('has', async (k, signal) => (await this.entry(k, name).getPassword(signal)) !== null);
  }

  /**
   * Enumerates the keychain itself (findCredentials) rather than keeping a separate index: the
   * keychain stays the single source of truth, so an entry removed in Seahorse / Keychain Access
   * disappears from the list too. findCredentials hands back values as well; they are dropped
   * here at once and never leave this function. Foreign accounts under the same service name
   * are ignored.
   */
  list(): Promise<SecretName[]> {
    return this.run('list', async (k, signal) => {
      const found = await k.findCredentialsAsync(this.service, null, signal);
      const names = new Set(found.map((c) => c.account).filter(isSecretName));
      return [...names].sort();
    });
  }

  delete(name: SecretName): Promise<boolean> {
    return this.run('delete', (k, signal) => this.entry(k, name).deleteCredential(signal));
  }

  private entry(k: KeyringModule, name: SecretName): AsyncEntryType {
    // Pinned to the Secret Service on Linux: keyring's default silently falls back to the
    // kernel keyring, which forgets everything at logout/reboot. Ignored on macOS/Windows.
    return new k.AsyncEntry(this.service, name, { linux: { store: 'secret-service' } });
  }

  private run<T>(op: string, fn: (k: KeyringModule, signal: AbortSignal) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      const k = await this.load();
      try {
        return await fn(k, AbortSignal.timeout(this.timeoutMs));
      } catch (err) {
        throw this.translate(op, err);
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Loaded on first use, not at import: a platform without a prebuilt binary must not stop the
   * core from starting, and on Linux libdbus reads DBUS_SESSION_BUS_ADDRESS at its first
   * connection (then caches it for the life of the process).
   */
  private load(): Promise<KeyringModule> {
    this.keyring ??= import('@napi-rs/keyring').catch((err: unknown) => {
      this.keyring = undefined;
      throw keychainUnavailable(this.platform, `keychain module did not load: ${messageOf(err)}`);
    });
    return this.keyring;
  }

  private translate(op: string, err: unknown): Error {
    if (err instanceof AppError) return err;
    const message = messageOf(err);
    if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
      return keychainUnavailable(this.platform, `the keychain did not answer within ${this.timeoutMs / 1000} s (${op})`);
    }
    if (UNREACHABLE.test(message)) return keychainUnavailable(this.platform, message);
    // Anything else is a bug or an odd keychain state: INTERNAL, logged by the router.
    return new Error(`keychain ${op} failed: ${message}`);
  }
}

function messageOf(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return cause !== undefined && !message.includes(cause) ? `${message}: ${cause}` : message;
}
