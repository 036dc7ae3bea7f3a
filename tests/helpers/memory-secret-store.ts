import type { SecretName, SecretStore } from '../../src-main/secrets/secret-store.js';

/**
 * In-memory SecretStore for tests of services that read secrets. Lives under tests/ on purpose:
 * the app itself has no non-keychain store, so nothing can fall back to it.
 */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<SecretName, string>();

  set(name: SecretName, value: string): Promise<{ rotated: boolean }> {
    const rotated = this.values.has(name);
    this.values.set(name, value);
    return Promise.resolve({ rotated });
  }
  get(name: SecretName): Promise<string | null> {
    return Promise.resolve(this.values.get(name) ?? null);
  }
  has(name: SecretName): Promise<boolean> {
    return Promise.resolve(this.values.has(name));
  }
  list(): Promise<SecretName[]> {
    return Promise.resolve([...this.values.keys()].sort());
  }
  delete(name: SecretName): Promise<boolean> {
    return Promise.resolve(this.values.delete(name));
  }
}
