import { defineScript as script } from '../../shared/redis/index';

/*
 * The broker's Lua scripts. Each runs atomically in Redis, which is what makes a request
 * all-or-nothing, a dead letter and its acknowledgement one step, and trimming safe against a
 * concurrent read. Each touches the keys of one trigger only (one hash slot), except PUBLISH, which
 * holds the streams of every trigger an event goes to (docs/scaling.md: Redis Cluster).
 */

/**
 * Appends events to the streams of the triggers that take them, skipping each (event, trigger)
 * pair already appended within the dedup TTL, then reads for this instance's dispatchers as many
 * new entries of each stream as they asked for (`XREADGROUP … >` in the script: the entries go to
 * this consumer's pending list in the same atomic step, exactly as a read would put them there).
 *
 * KEYS: the target streams, then one duplicate marker per pair. ARGV: TTL in seconds, number of
 * streams, number of pairs, this instance's consumer name; per stream its group and how many new
 * entries to read (0: none); per pair its stream's and its event's index (1-based); then the
 * events' JSON. Returns `{ids, read_1, …, read_n}`: per pair its entry id, or '' for a duplicate;
 * per stream the entries read, each as its id alone when this call appended it (the caller has
 * the event) or as `{id, fields}` when it came from elsewhere.
 *
 * Every target stream must exist (it is created with its group): a stream Redis lost is an
 * error before anything is written (NOSTREAM), and XADD never creates one (NOMKSTREAM), so no
 * event lands where no group reads it and no marker swallows the sender's retry. A marker is set
 * after its XADD, so a failed XADD never leaves one either. A group that is gone makes its read
 * come back empty (redis.pcall) rather than fail a call whose appends are written: the
 * dispatcher's own read then reports it.
 */
export const PUBLISH = script(`
local streams = tonumber(ARGV[2])
local npairs = tonumber(ARGV[3])
local consumer = ARGV[4]
for i = 1, streams do
  if redis.call('EXISTS', KEYS[i]) == 0 then return redis.error_reply('NOSTREAM ' .. KEYS[i]) end
end
local pairsAt = 4 + 2 * streams
local events = pairsAt + 2 * npairs
local ids = {}
local mine = {}
for i = 1, streams do mine[i] = {} end
for p = 1, npairs do
  local marker = KEYS[streams + p]
  if redis.call('EXISTS', marker) == 1 then
    ids[p] = ''
  else
    local s = tonumber(ARGV[pairsAt + 2 * p - 1])
    local event = ARGV[events + tonumber(ARGV[pairsAt + 2 * p])]
    local id = redis.call('XADD', KEYS[s], 'NOMKSTREAM', '*', 'event', event)
    redis.call('SET', marker, id, 'EX', ARGV[1])
    ids[p] = id
    mine[s][id] = true
  end
end
local reply = {ids}
for i = 1, streams do
  local read = {}
  local count = tonumber(ARGV[4 + 2 * i])
  if count > 0 then
    local found = redis.pcall('XREADGROUP', 'GROUP', ARGV[3 + 2 * i], consumer, 'COUNT', count,
      'STREAMS', KEYS[i], '>')
    if type(found) == 'table' and found[1] then
      for _, entry in ipairs(found[1][2]) do
        if mine[i][entry[1]] then read[#read + 1] = entry[1] else read[#read + 1] = entry end
      end
    end
  end
  reply[i + 1] = read
end
return reply
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
 * Moves a dead letter back into its trigger's stream (the same slot) and deletes it from the dead
 * letters. KEYS: dead-letter stream, stream; ARGV: dead letter id. Returns the new entry id, nil
 * when the dead letter is gone (re-driven meanwhile), or the error NOSTREAM when the stream is
 * (Redis lost it): the dead letter then stays until the stream exists again.
 */
export const REDRIVE = script(`
local found = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #found == 0 then return false end
local fields = found[1][2]
local event
for i = 1, #fields, 2 do
  if fields[i] == 'event' then event = fields[i + 1] end
end
if not event then return false end
if redis.call('EXISTS', KEYS[2]) == 0 then return redis.error_reply('NOSTREAM ' .. KEYS[2]) end
local id = redis.call('XADD', KEYS[2], 'NOMKSTREAM', '*', 'event', event, 'redriven', ARGV[1])
redis.call('XDEL', KEYS[1], ARGV[1])
return id
`);

/**
 * Trims a stream below the oldest entry that some group still needs: for each group, its
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
