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

const MS = Number(process.env.QD_BENCH_MS ?? 2_000);
// Ours and theirs alternate in short slices, so background load on a shared machine hits both
// alike; each figure is total decisions over total time across its slices.
const SLICES = 10;
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

async function measure(decide: Decide, w: Workload, ms: number): Promise<{ n: number; ms: number }> {
  const ids = Array.from({ length: w.keys }, (_, i) => `bench-${i}`);
  let n = 0;
  const end = performance.now() + ms;
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
  return { n, ms: performance.now() - t0 };
}

/** Every contender in turn, slice after slice; ratios are ours over each of theirs. */
async function compare(contenders: Record<string, Decide>, w: Workload) {
  const total: Record<string, { n: number; ms: number }> = {};
  for (const f of Object.values(contenders)) await measure(f, w, 100); // warm-up, not counted
  for (let s = 0; s < SLICES; s++) {
    for (const [who, f] of Object.entries(contenders)) {
      const r = await measure(f, w, MS / SLICES / Object.keys(contenders).length);
      const t = (total[who] ??= { n: 0, ms: 0 });
      t.n += r.n;
      t.ms += r.ms;
    }
  }
  const rate = Object.fromEntries(
    Object.entries(total).map(([k, t]) => [k, Math.round(t.n / (t.ms / 1000))]),
  );
  const ours = rate.quantdesk ?? 0;
  const ratio = Object.fromEntries(
    Object.entries(rate)
      .filter(([k]) => k !== 'quantdesk')
      .map(([k, v]) => [`vs_${k}`, Math.round((ours / v) * 100) / 100]),
  );
  return { keys: w.keys, inFlight: w.inFlight, decisionsPerSecond: rate, ratio };
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
  const out: Record<string, unknown> = { node: process.version, msPerRow: MS, slicesPerRow: SLICES };

  const memOurs = new RateLimiter({ limits, logger: silentLogger() });
  const memTheirs = new RateLimiterMemory({ points: HUGE, duration: 60 });
  const ourMem: Decide = (id) => memOurs.consume({ keyType: 'user', id, category: 'default' });
  const theirMem: Decide = (id) => memTheirs.consume(`rate_limit:user:${id}:default`);
  out.memory = [];
  for (const w of WORKLOADS) {
    (out.memory as unknown[]).push(await compare({ quantdesk: ourMem, RateLimiterMemory: theirMem }, w));
  }
  await memOurs.close();

  const skip = redisUnavailableReason();
  if (skip) {
    out.redis = { skipped: skip };
  } else {
    const server = await RedisServer.start();
    // A generous fallback threshold here: on a loaded machine one slow reply would otherwise
    // switch to memory for a second and inflate the Redis figures. The bound is measured below.
    const redisOurs = new RateLimiter({
      limits,
      redis: { url: server.url },
      logger: silentLogger(),
      fallbackAfterMs: 2_000,
    });
    // RateLimiterRedis twice: on a client set up like ours (command timeout, no offline queue,
    // as a limiter must be), and on ioredis's defaults (no timeout: it would wait on a hung Redis).
    const sameClient = new Redis(server.url, {
      commandTimeout: 2_000,
      enableOfflineQueue: false,
      lazyConnect: true,
    });
    const defaultClient = new Redis(server.url, { lazyConnect: true });
    await sameClient.connect();
    await defaultClient.connect();
    const theirSame = new RateLimiterRedis({ storeClient: sameClient, points: HUGE, duration: 60 });
    const theirDefault = new RateLimiterRedis({ storeClient: defaultClient, points: HUGE, duration: 60 });
    const ourRedis: Decide = (id) => redisOurs.consume({ keyType: 'user', id, category: 'default' });
    const contenders: Record<string, Decide> = {
      quantdesk: ourRedis,
      RateLimiterRedis_sameClientSettings: (id) => theirSame.consume(`rate_limit:user:${id}:default`),
      RateLimiterRedis_ioredisDefaults: (id) => theirDefault.consume(`rate_limit:user:${id}:default`),
    };
    await ourRedis('warm');
    out.redis = [];
    for (const w of WORKLOADS) {
      (out.redis as unknown[]).push(await compare(contenders, w));
      if (redisOurs.backend !== 'redis')
        throw new Error(`a Redis row fell back (${redisOurs.backend}); figures invalid`);
    }
    await redisOurs.close();
    sameClient.disconnect();
    defaultClient.disconnect();
    out.fallback = await fallbackLatency(server);
    await server.dispose();
  }
  console.log(JSON.stringify(out, null, 2));
}

await main();
