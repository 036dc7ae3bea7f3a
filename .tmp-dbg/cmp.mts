import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { silentLogger } from '../src-main/logger.js';
import { RateLimiter } from '../src-main/ratelimit/limiter.js';
import { DEFAULT_RATE_LIMITS } from '../src-main/ratelimit/defaults.js';
import { TOKEN_BUCKET_LUA, TOKEN_BUCKET_SHA } from '../src-main/ratelimit/redis-script.js';
import { RedisServer } from '../tests/helpers/redis-server.js';
const server = await RedisServer.start();
const mk = (auto: boolean) => { const c = new Redis(server.url, { enableAutoPipelining: auto, enableOfflineQueue: false, lazyConnect: true }); return c; };
const c1 = mk(false); await c1.connect(); const c2 = mk(true); await c2.connect();
await c1.script('LOAD', TOKEN_BUCKET_LUA);
const l = new RateLimiter({ limits: { ...DEFAULT_RATE_LIMITS, default: { limit: 1e9, periodMs: 1000 } }, redis: { url: server.url }, logger: silentLogger(), fallbackAfterMs: 2000 });
const rlf = new RateLimiterRedis({ storeClient: c1, points: 1e9, duration: 60 });
const rlf2 = new RateLimiterRedis({ storeClient: c2, points: 1e9, duration: 60 });
const cases: Record<string, () => Promise<unknown>> = {
  ping: () => c1.ping(),
  rawEvalsha: () => c1.evalsha(TOKEN_BUCKET_SHA, 1, 'rate_limit:user:x:default', 1e9, 1000, 1e9, 1),
  rawEvalshaAuto: () => c2.evalsha(TOKEN_BUCKET_SHA, 1, 'rate_limit:user:x:default', 1e9, 1000, 1e9, 1),
  ours: () => l.consume({ keyType: 'user', id: 'x', category: 'default' }),
  rlf: () => rlf.consume('rate_limit:user:x:default'),
  rlfAuto: () => rlf2.consume('rate_limit:user:x:default'),
};
for (let round = 0; round < 2; round++) for (const [name, f] of Object.entries(cases)) {
  for (const inFlight of [1, 100]) {
    let n = 0; const end = performance.now() + 700;
    await Promise.all(Array.from({ length: inFlight }, async () => { while (performance.now() < end) { await f(); n++; } }));
    console.log(name, inFlight, Math.round(n / 0.7));
  }
}
await l.close(); c1.disconnect(); c2.disconnect(); await server.dispose();
