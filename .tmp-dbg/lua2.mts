import { Redis } from 'ioredis';
import { TOKEN_BUCKET_LUA } from '../src-main/ratelimit/redis-script.js';
import { RedisServer } from '../tests/helpers/redis-server.js';
const scripts: Record<string, string> = {
  empty: `return 1`,
  time: `local c = redis.call('TIME') return 1`,
  hmget: `local s = redis.call('HMGET', KEYS[1], 'u', 't', 'p') return 1`,
  get: `local s = redis.call('GET', KEYS[1]) return 1`,
  hset: `redis.call('HSET', KEYS[1], 'u', 1, 't', 2, 'p', 3) return 1`,
  setpx: `redis.call('SET', KEYS[1], '1 2 3', 'PX', 60000) return 1`,
  ret3: `return {1, 2, 3}`,
  tonum4: `local a, b, c, d = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]) return 1`,
  ours: TOKEN_BUCKET_LUA,
  noRepl: TOKEN_BUCKET_LUA.replace(/^.*replicate_commands.*$/m, ''),
  repl: `if redis.replicate_commands then redis.replicate_commands() end return 1`,
};
const server = await RedisServer.start();
const c = new Redis(server.url, { lazyConnect: true }); await c.connect();
const sha: Record<string, string> = {};
for (const [k, v] of Object.entries(scripts)) sha[k] = (await c.script('LOAD', v)) as string;
for (let round = 0; round < 2; round++) for (const name of ['empty','repl','ours','noRepl']) {
  await c.config('RESETSTAT');
  let n = 0; const end = performance.now() + 300;
  await Promise.all(Array.from({ length: 100 }, async (_, w) => { let i = w; while (performance.now() < end) { await c.evalsha(sha[name]!, 1, 'k' + (i++ % 10000) + name, 1e9, 1000, 1e9, 1); n++; } }));
  const info = (await c.info('commandstats')).split('\n').find((l) => l.startsWith('cmdstat_evalsha'));
  console.log(name.padEnd(8), Math.round(n / 0.3), info?.match(/usec_per_call=([\d.]+)/)?.[1]);
}
c.disconnect(); await server.dispose();
