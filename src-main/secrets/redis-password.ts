import type { Logger } from '../logger.js';
import type { RedisPasswordStore } from '../ratelimit/service.js';
import type { SecretStore } from './secret-store.js';

/**
 * The rate limiter keeps the Redis URL without its password in SQLite; the password lives in the
 * keychain as `redis:password`. A keychain that is not there means "no password", with a warning:
 * the limiter then runs on memory rather than failing calls.
 */
export function redisPasswordFromSecrets(secrets: SecretStore, logger: Logger): RedisPasswordStore {
  return {
    async get() {
      try {
        return (await secrets.get('redis:password')) ?? undefined;
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'could not read the Redis password from the keychain');
        return undefined;
      }
    },
    async set(password) {
      try {
        if (password === null) await secrets.delete('redis:password');
        else await secrets.set('redis:password', password);
        return true;
      } catch (err) {
        // Reported to the user as passwordPersisted: false; never written anywhere else.
        logger.warn({ err: (err as Error).message }, 'could not keep the Redis password in the keychain');
        return false;
      }
    },
  };
}
