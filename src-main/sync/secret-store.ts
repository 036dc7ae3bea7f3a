/**
 * Where the sync token and the encryption key live: the OS keychain, never SQLite or logs.
 * createCore passes its keychain store (src-main/secrets/); tests may pass another as
 * `createCore({ sync: { secretStore } })`. Anything with these three methods fits.
 */
export interface SecretStore {
  get(name: string): Promise<string | null | undefined> | string | null | undefined;
  set(name: string, value: string): Promise<unknown> | unknown;
  delete(name: string): Promise<unknown> | unknown;
}

export const SECRET_TOKEN = 'sync:token';
export const SECRET_KEY = 'sync:key';

/**
 * FOR TESTS AND BENCHMARKS ONLY: keeps secrets in this process's memory, so they vanish when it
 * exits. Never the production store.
 */
export class InMemorySecretStoreForTests implements SecretStore {
  private readonly values = new Map<string, string>();
  get(name: string): string | null {
    return this.values.get(name) ?? null;
  }
  set(name: string, value: string): void {
    this.values.set(name, value);
  }
  delete(name: string): boolean {
    return this.values.delete(name);
  }
  /** Test helper: every stored name (to check nothing else was written). */
  names(): string[] {
    return [...this.values.keys()];
  }
}
