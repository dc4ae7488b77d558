import { defineScript as script } from '../../shared/redis/index';

/**
 * The broker's Lua scripts. Each runs atomically in Redis, which is what makes a batch
 * all-or-nothing, a dead letter and its acknowledgement one step, and trimming safe against a
 * concurrent read.
 */
/**
 * Appends events that were not seen before. KEYS: stream, then one dedup key per event;
 * ARGV: TTL in seconds, then one event JSON per event. Returns per event its entry id, or ''
 * for a duplicate. The marker is set after the XADD, so a failed XADD never leaves a marker
 * that would swallow the sender's retry.
 */
export const PUBLISH = script(`
local ids = {}
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    ids[i - 1] = ''
  else
    local id = redis.call('XADD', KEYS[1], '*', 'event', ARGV[i])
    redis.call('SET', KEYS[i], id, 'EX', ARGV[1])
    ids[i - 1] = id
  end
end
return ids
`);

/**
 * Acknowledges an entry and writes its dead letter, or does neither when the entry is no longer
 * pending for the group (another consumer finished it). KEYS: stream, dead-letter stream;
 * ARGV: group, entry id, then the dead letter's fields. Returns the dead letter's id or nil.
 */
export const DEAD_LETTER = script(`
if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 0 then return false end
return redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
`);

/**
 * Moves a dead letter back into the stream, addressed to the trigger that dead-lettered it, and
 * deletes it from the dead letters. KEYS: dead-letter stream, stream; ARGV: dead letter id.
 * Returns the new entry id, or nil when the dead letter is gone (re-driven meanwhile).
 */
export const REDRIVE = script(`
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return false end
local fields = found[1][2]
local event, trigger
for i = 1, #fields, 2 do
  if fields[i] == 'event' then event = fields[i + 1] end
  if fields[i] == 'trigger' then trigger = fields[i + 1] end
end
if not event or not trigger then return false end
local id = redis.call('XADD', KEYS[2], '*', 'event', event, 'trigger', trigger, 'redriven', ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
return id
`);

/**
 * Trims the stream below the oldest entry that some group still needs: for each group, its
 * lowest pending id, or else the first id after its last-delivered id. With no group nothing is
 * trimmed (nobody has read anything). Atomic, so no read or claim can slip in between the look
 * and the trim. KEYS: stream. Returns {entries removed, the lowest id kept} or nil.
 */
export const TRIM = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local function split(id)
  local dash = string.find(id, '-', 1, true)
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end
local function less(ams, aseq, bms, bseq)
  return ams < bms or (ams == bms and aseq < bseq)
end
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then return false end
local keepMs, keepSeq
for _, group in ipairs(groups) do
  local name, last
  for i = 1, #group, 2 do
    if group[i] == 'name' then name = group[i + 1] end
    if group[i] == 'last-delivered-id' then last = group[i + 1] end
  end
  local ms, seq = split(last)
  seq = seq + 1
  local pending = redis.call('XPENDING', KEYS[1], name)
  if pending[1] > 0 then
    local pms, pseq = split(pending[2])
    if less(pms, pseq, ms, seq) then ms, seq = pms, pseq end
  end
  if keepMs == nil or less(ms, seq, keepMs, keepSeq) then keepMs, keepSeq = ms, seq end
end
local keep = string.format('%.0f-%.0f', keepMs, keepSeq)
local removed = redis.call('XTRIM', KEYS[1], 'MINID', keep)
return {removed, keep}
`);
