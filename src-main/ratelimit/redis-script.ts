import { createHash } from 'node:crypto';

/**
 * One decision, atomically, on Redis's own clock (so machines with skewed clocks share one
 * bucket correctly). A copy of `step()` in token-bucket.ts; keep them in step. Needs Redis ≥ 5
 * (scripts replicate their effects, so reading TIME before writing is allowed).
 *
 * KEYS[1] bucket key · ARGV limit, periodMs, capacity, cost (1 take, 0 look)
 * Value: "units ts period" (1 token = period units; ts = Redis ms when units was true). One
 * string, read with GET and written with SET … PX, measured cheaper than a hash + PEXPIRE.
 * Returns { allowed 0|1, remaining tokens, retryAfterMs }.
 * Only an allowed take writes, and the key then expires when the bucket would be full again
 * (at most the period when no burst is set): a missing key means a full bucket.
 */
export const TOKEN_BUCKET_LUA = `
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
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
if ARGV[4] == '0' then
  return { 1, math.floor(units / period), 0 }
end
if units >= period then
  units = units - period
  redis.call('SET', KEYS[1], string.format('%d %d %d', units, now, period), 'PX', math.max(1, math.ceil((full - units) / limit)))
  return { 1, math.floor(units / period), 0 }
end
return { 0, 0, math.ceil((period - units) / limit) }
`;

export const TOKEN_BUCKET_SHA = createHash('sha1').update(TOKEN_BUCKET_LUA).digest('hex');
