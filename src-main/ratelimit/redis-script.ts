import { createHash } from 'node:crypto';

/**
 * One decision, atomically, on Redis's own clock (so machines with skewed clocks share one
 * bucket correctly). A copy of `step()` in token-bucket.ts; keep them in step.
 *
 * KEYS[1] bucket key · ARGV limit, periodMs, capacity, cost (1 take, 0 look)
 * Hash fields: u (units, 1 token = periodMs units), t (ms of u), p (period u is scaled with).
 * Returns { allowed 0|1, remaining tokens, retryAfterMs }.
 * Only an allowed take writes, and then the key expires when the bucket would be full again
 * (which is at most the period when no burst is set): a missing key means a full bucket.
 */
export const TOKEN_BUCKET_LUA = `
if redis.replicate_commands then redis.replicate_commands() end
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local full = capacity * period
local units = full
local s = redis.call('HMGET', KEYS[1], 'u', 't', 'p')
if s[1] then
  units = tonumber(s[1])
  local p = tonumber(s[3])
  if p ~= period then units = math.floor(units * period / p) end
  local elapsed = math.min(math.max(0, now - tonumber(s[2])), math.ceil(full / limit))
  units = math.min(full, units + elapsed * limit)
end
if cost == 0 then
  return { 1, math.floor(units / period), 0 }
end
if units >= period then
  units = units - period
  redis.call('HSET', KEYS[1], 'u', units, 't', now, 'p', period)
  redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((full - units) / limit)))
  return { 1, math.floor(units / period), 0 }
end
return { 0, 0, math.ceil((period - units) / limit) }
`;

export const TOKEN_BUCKET_SHA = createHash('sha1').update(TOKEN_BUCKET_LUA).digest('hex');
