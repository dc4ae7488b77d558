import { defineScript } from '../redis/index';

/**
 * Counts members of one fan-in atomically. KEYS[1]: the fan-in's hash. ARGV: the finisher's name,
 * the total (or '' when not opening), the key's TTL in seconds, then member/outcome pairs.
 *
 * The hash holds `#total`, `#done`, `#failed`, `#finisher` and one `m:<member>` field per member
 * counted (its outcome). A member is counted once (HSETNX); the call that brings the count to the
 * total claims `#finisher`, and only a call with that same name is told it is the last — so a
 * finisher that crashed half-way is told so again by its redelivery, and nobody else ever is.
 *
 * Returns {counted, done, failed, total, last}, or {-1} when the hash does not exist and no total
 * was given: Redis lost it (or it was never opened), and the caller rebuilds it from MongoDB.
 */
export const COUNT = defineScript(`
local total = redis.call('HGET', KEYS[1], '#total')
if not total then
  if ARGV[2] == '' then return {-1} end
  redis.call('HSET', KEYS[1], '#total', ARGV[2], '#done', 0, '#failed', 0)
  total = ARGV[2]
end
local counted = 0
for i = 4, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[1], 'm:' .. ARGV[i], ARGV[i + 1]) == 1 then
    counted = counted + 1
    if ARGV[i + 1] == 'failed' then
      redis.call('HINCRBY', KEYS[1], '#failed', 1)
    else
      redis.call('HINCRBY', KEYS[1], '#done', 1)
    end
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
local counts = redis.call('HMGET', KEYS[1], '#done', '#failed')
local done, failed = tonumber(counts[1]), tonumber(counts[2])
local last = 0
if done + failed >= tonumber(total) then
  redis.call('HSETNX', KEYS[1], '#finisher', ARGV[1])
  if redis.call('HGET', KEYS[1], '#finisher') == ARGV[1] then last = 1 end
end
return {counted, done, failed, tonumber(total), last}
`);
