import type { Handlers } from '../ipc/router.js';
import type { SecretStore } from './secret-store.js';

type SecretsHandlers = Pick<Handlers, 'secrets.set' | 'secrets.has' | 'secrets.list' | 'secrets.delete'>;

/** No handler ever returns a value: the renderer only learns names and whether each is set. */
export function secretsHandlers(store: SecretStore): SecretsHandlers {
  return {
    'secrets.set': async (input, ctx) => {
      const { rotated } = await store.set(input.name, input.value);
      // The router audits the input with `value` redacted; this adds the fact that matters.
      ctx.addAuditDetails({ rotated });
      return { name: input.name, rotated };
    },
    'secrets.has': async (input) => ({ name: input.name, set: await store.has(input.name) }),
    'secrets.list': async () => ({ names: await store.list() }),
    'secrets.delete': async (input, ctx) => {
      const deleted = await store.delete(input.name);
      ctx.addAuditDetails({ deleted });
      return { name: input.name, deleted };
    },
  };
}
