/**
 * Entry point of the reference sync server: `npm run server` (node --import tsx server/main.ts).
 * Configuration comes from the environment; see docs/server.md.
 */
import { buildServer } from './app.js';
import { configFromEnv } from './config.js';
import { createLimiter, createStore } from './create.js';

const config = configFromEnv();
const store = await createStore(config);
const limiter = createLimiter(config, (msg) => console.warn(msg));
const app = await buildServer({ config, store, limiter });
let stopping = false;
const stop = async (signal: string): Promise<void> => {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  await app.close();
  await limiter.close();
  await store.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

const address = await app.listen({ host: config.host, port: config.port });
app.log.info(
  { address, storage: store.kind, redis: Boolean(config.redisUrl) },
  'quantdesk sync server listening',
);
// Tests and scripts wait for this exact line on stdout.
console.log(`LISTENING ${address}`);
