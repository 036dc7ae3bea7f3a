import pino from 'pino';
import { RateLimiter } from '/work/wt-ratelimit/src-main/ratelimit/limiter.js';
import { DEFAULT_RATE_LIMITS } from '/work/wt-ratelimit/src-main/ratelimit/defaults.js';
import { RedisServer } from '/work/wt-ratelimit/tests/helpers/redis-server.js';
const server = await RedisServer.start();
const logger = pino({ level: 'info' });
const l = new RateLimiter({ limits: { ...DEFAULT_RATE_LIMITS, default: { limit: 1e9, periodMs: 1000 } }, redis: { url: server.url }, logger });
for (const inFlight of [1, 100]) for (const keys of [1, 10000]) {
  let n = 0; const end = performance.now() + 2000;
  await Promise.all(Array.from({ length: inFlight }, async (_, k) => { let i = k; while (performance.now() < end) { await l.consume({ keyType: 'user', id: 'k' + (i++ % keys), category: 'default' }); n++; } }));
  console.log(inFlight, keys, n / 2, l.backend);
}
await l.close(); await server.dispose();
