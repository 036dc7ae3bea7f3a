/**
 * Decisions per second of Quantdesk's limiter (memory and Redis stores) against
 * rate-limiter-flexible (RateLimiterMemory, RateLimiterRedis) on the same workloads in the same
 * run: one key or 10,000 keys, sequential or 100 in flight. Also the time a decision takes when
 * Redis is stopped or hung (the fallback bound). Starts its own redis-server on a free port.
 *
 *   node --import tsx bench/ratelimit.ts            (QD_BENCH_MS=… per measurement, default 800)
 */
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { silentLogger } from '../src-main/logger.js';
import { DEFAULT_RATE_LIMITS } from '../src-main/ratelimit/defaults.js';
import { RateLimiter } from '../src-main/ratelimit/limiter.js';
import type { RateLimits } from '../src-main/ratelimit/types.js';
import { RedisServer, redisUnavailableReason } from '../tests/helpers/redis-server.js';

const MS = Number(process.env.QD_BENCH_MS ?? 800);
const ROUNDS = 2;
// Big enough that nothing is refused: both libraries do the same work on every call.
const HUGE = 1_000_000_000;
const limits: RateLimits = { ...DEFAULT_RATE_LIMITS, default: { limit: HUGE, periodMs: 1_000 } };

type Decide = (id: string) => Promise<unknown>;
interface Workload {
  keys: 1 | 10_000;
  inFlight: 1 | 100;
}
const WORKLOADS: Workload[] = [
  { keys: 1, inFlight: 1 },
  { keys: 1, inFlight: 100 },
  { keys: 10_000, inFlight: 1 },
  { keys: 10_000, inFlight: 100 },
];

async function measure(decide: Decide, w: Workload): Promise<number> {
  const ids = Array.from({ length: w.keys }, (_, i) => `bench-${i}`);
  let n = 0;
  const end = performance.now() + MS;
  const worker = async (offset: number): Promise<void> => {
    let i = offset;
    while (performance.now() < end) {
      // Not every iteration reads the clock's worth of work: batch 16 decisions per check.
      for (let j = 0; j < 16; j++) {
        await decide(ids[i++ % w.keys] as string);
        n++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: w.inFlight }, (_, k) => worker(k * 97)));
  return Math.round(n / ((performance.now() - t0) / 1000));
}

/** Best of ROUNDS, ours and theirs interleaved so background load hits both alike. */
async function compare(ours: Decide, theirs: Decide, w: Workload) {
  let a = 0;
  let b = 0;
  for (let r = 0; r < ROUNDS; r++) {
    a = Math.max(a, await measure(ours, w));
    b = Math.max(b, await measure(theirs, w));
  }
  return {
    keys: w.keys,
    inFlight: w.inFlight,
    quantdesk: a,
    rateLimiterFlexible: b,
    ratio: Math.round((a / b) * 100) / 100,
  };
}

async function fallbackLatency(server: RedisServer): Promise<Record<string, number>> {
  const limiter = new RateLimiter({ limits, redis: { url: server.url }, logger: silentLogger() });
  const key = (id: string) => ({ keyType: 'user' as const, id, category: 'default' as const });
  await limiter.consume(key('warm'));
  const slowest = async (): Promise<number> => {
    const times = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const t0 = performance.now();
        await limiter.consume(key(`f${i}`));
        return performance.now() - t0;
      }),
    );
    return Math.round(Math.max(...times) * 10) / 10;
  };
  server.pause();
  const hungMaxMs = await slowest();
  server.resume();
  while (limiter.backend !== 'redis') await new Promise((r) => setTimeout(r, 50));
  await server.stop();
  const stoppedMaxMs = await slowest();
  await server.start();
  await limiter.close();
  return { hungMaxMs, stoppedMaxMs, boundMs: 200 };
}

async function main(): Promise<void> {
  const out: Record<string, unknown> = { node: process.version, msPerMeasurement: MS, rounds: ROUNDS };

  const memOurs = new RateLimiter({ limits, logger: silentLogger() });
  const memTheirs = new RateLimiterMemory({ points: HUGE, duration: 60 });
  const ourMem: Decide = (id) => memOurs.consume({ keyType: 'user', id, category: 'default' });
  const theirMem: Decide = (id) => memTheirs.consume(`rate_limit:user:${id}:default`);
  out.memory = [];
  for (const w of WORKLOADS) (out.memory as unknown[]).push(await compare(ourMem, theirMem, w));
  await memOurs.close();

  const skip = redisUnavailableReason();
  if (skip) {
    out.redis = { skipped: skip };
  } else {
    const server = await RedisServer.start();
    // A generous fallback threshold here: on a loaded machine one slow reply would otherwise
    // switch to memory for a second and inflate the Redis figures. The bound is measured below.
    const redisOurs = new RateLimiter({ limits, redis: { url: server.url }, logger: silentLogger(), fallbackAfterMs: 2_000 });
    // Same client settings as ours (no auto-pipelining, no offline queue): a comparison of the limiters.
    const client = new Redis(server.url, { enableAutoPipelining: false, enableOfflineQueue: false, lazyConnect: true });
    await client.connect();
    const redisTheirs = new RateLimiterRedis({ storeClient: client, points: HUGE, duration: 60 });
    const ourRedis: Decide = (id) => redisOurs.consume({ keyType: 'user', id, category: 'default' });
    const theirRedis: Decide = (id) => redisTheirs.consume(`rate_limit:user:${id}:default`);
    await ourRedis('warm');
    out.redis = [];
    for (const w of WORKLOADS) {
      (out.redis as unknown[]).push(await compare(ourRedis, theirRedis, w));
      if (redisOurs.backend !== 'redis') throw new Error(`a Redis row fell back (${redisOurs.backend}); figures invalid`);
    }
    await redisOurs.close();
    client.disconnect();
    out.fallback = await fallbackLatency(server);
    await server.dispose();
  }
  console.log(JSON.stringify(out, null, 2));
}

await main();
