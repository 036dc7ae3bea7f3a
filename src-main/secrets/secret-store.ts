import type { SecretName } from '../../src-preload/contract/secrets.js';

export type { SecretName };

/**
 * Where secrets live. The only implementation shipped is the OS keychain
 * (keyring-secret-store.ts); there is deliberately no file or SQLite implementation, so a missing
 * keychain means failing with UNAVAILABLE, never a plain-text fallback.
 *
 * Every method rejects with `AppError('UNAVAILABLE', …)` when the keychain cannot be reached.
 * `get` is for main-side services only (sync, rate-limit Redis); no IPC channel exposes it.
 */
export interface SecretStore {
  /** Stores the value; `rotated` is true when it replaced an existing one. */
  set(name: SecretName, value: string): Promise<{ rotated: boolean }>;
  /** The value, or null when the secret is not set. Main process only. */
  get(name: SecretName): Promise<string | null>;
  has(name: SecretName): Promise<boolean>;
  /** Names of the stored secrets, sorted. */
  list(): Promise<SecretName[]>;
  /** False when there was nothing to delete. */
  delete(name: SecretName): Promise<boolean>;
  /** Releases resources (the keychain worker); called by core.close(). */
  close?(): Promise<void>;
}

/** The default keychain service name; tests pass their own so they never touch real entries. */
export const DEFAULT_SECRETS_SERVICE = 'quantdesk';
