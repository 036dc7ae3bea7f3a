import { Redis } from 'ioredis';
import { TOKEN_BUCKET_LUA } from '../src-main/ratelimit/redis-script.js';
import { RedisServer } from '../tests/helpers/redis-server.js';
const B = `
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local clock = redis.call('TIME')
local now = clock[1] * 1000 + math.floor(clock[2] / 1000)
local full = capacity * period
local units = full
local s = redis.call('GET', KEYS[1])
if s then
  local u, t, p = string.match(s, '^(%d+) (%d+) (%d+)$')
  units = tonumber(u)
  p = tonumber(p)
  if p ~= period then units = math.floor(units * period / p) end
  local elapsed = math.min(math.max(0, now - tonumber(t)), math.ceil(full / limit))
  units = math.min(full, units + elapsed * limit)
end
if cost == 0 then
  return { 1, math.floor(units / period), 0 }
end
if units >= period then
  units = units - period
  redis.call('SET', KEYS[1], units .. ' ' .. now .. ' ' .. period, 'PX', math.max(1, math.ceil((full - units) / limit)))
  return { 1, math.floor(units / period), 0 }
end
return { 0, 0, math.ceil((period - units) / limit) }
`;
const RLF = `redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX') \
local consumed = redis.call('incrby', KEYS[1], ARGV[1]) \
local ttl = redis.call('pttl', KEYS[1]) \
if ttl == -1 then \
  redis.call('expire', KEYS[1], ARGV[2]) \
  ttl = 1000 * ARGV[2] \
end \
return {consumed, ttl} \
`;
const server = await RedisServer.start();
const c = new Redis(server.url, { lazyConnect: true }); await c.connect();
const shaA = await c.script('LOAD', TOKEN_BUCKET_LUA) as string;
const shaB = await c.script('LOAD', B) as string;
const shaR = await c.script('LOAD', RLF) as string;
console.log(await c.evalsha(shaB, 1, 'kb', 1e9, 1000, 1e9, 1), await c.get('kb'));
const cases: Record<string, (k: string) => Promise<unknown>> = {
  hash: (k) => c.evalsha(shaA, 1, k + 'a', 1e9, 1000, 1e9, 1),
  str: (k) => c.evalsha(shaB, 1, k + 'b', 1e9, 1000, 1e9, 1),
  rlf: (k) => c.evalsha(shaR, 1, k + 'r', 1, 60, 1e9, 60),
};
const res: Record<string, number[]> = { hash: [], str: [], rlf: [] };
for (let round = 0; round < 8; round++) for (const [name, f] of Object.entries(cases)) {
  await c.config('RESETSTAT');
  const end = performance.now() + 250;
  await Promise.all(Array.from({ length: 100 }, async (_, w) => { let i = w; while (performance.now() < end) { await f('k' + (i++ % 10000)); } }));
  const info = (await c.info('commandstats')).split('\n').find((l) => l.startsWith('cmdstat_evalsha'));
  res[name]!.push(Number(info?.match(/usec_per_call=([\d.]+)/)?.[1]));
}
for (const [k, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(k, 'min', v[0], 'median', v[4]); }
c.disconnect(); await server.dispose();
