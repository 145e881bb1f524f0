/**
 * Lua run atomically in Redis, one round trip each. The session hash key and the user's session
 * index are passed as KEYS; evicted or revoked sessions are addressed by prefix, which is fine on
 * a single-shard Redis (Upstash, and redis-server locally).
 *
 * Lua cannot compute the records' HMACs, so every script that changes a session takes the new MAC
 * from the worker and writes only if the record still carries the MAC the worker verified
 * (compare-and-set): a record changed in between is never overwritten with a MAC over stale data.
 * Reads return the fields JSON-encoded by cjson, so @upstash/redis's automatic deserialisation
 * cannot turn a stored string into a number or an object before the MAC is checked.
 */

/** KEYS: session, user index. ARGV: sid, now ms, ttl s, max sessions, session key prefix, then field/value pairs. */
export const CREATE_SESSION = `
local sid, now, ttl, max, prefix = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local fields = {}
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('EXPIRE', KEYS[1], ttl)
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('EXISTS', prefix .. member) == 0 then redis.call('ZREM', KEYS[2], member) end
end
redis.call('ZADD', KEYS[2], now, sid)
redis.call('EXPIRE', KEYS[2], ttl)
local evicted = {}
while redis.call('ZCARD', KEYS[2]) > max do
  local oldest = redis.call('ZPOPMIN', KEYS[2])
  redis.call('DEL', prefix .. oldest[1])
  evicted[#evicted + 1] = oldest[1]
end
return evicted
`;

/** KEYS: session. ARGV: the field names. Returns the values as one JSON array (false: missing). */
export const READ_SESSION = `
return cjson.encode(redis.call('HMGET', KEYS[1], unpack(ARGV)))
`;

/**
 * The hot path's one command. KEYS: session, lockdown epoch. ARGV: the user's role-change state
 * key prefix, then the field names. Returns JSON [values, epoch, role-change state]: epoch is
 * "<ms>:<exempt sid>" or false; the state is [inflight, changed, began] of the user the record
 * names. A script (not HMGET) so it is a write-mode command and @upstash/redis auto-pipelines it
 * together with the rate limiter's script into one HTTP request.
 */
export const SESSION_STATE = `
local values = redis.call('HMGET', KEYS[1], unpack(ARGV, 2))
local roles = false
if values[1] then roles = redis.call('HMGET', ARGV[1] .. values[1], 'inflight', 'changed', 'began') end
return cjson.encode({values, redis.call('GET', KEYS[2]), roles})
`;

/**
 * KEYS: session, user index, grace box. ARGV: sid, expected MAC, presented hash, new hash, now ms,
 * grace ms, sealed new pair, MAC of the rotated record.
 * Returns {outcome} or {'grace', sealed pair}: rotated | grace | reuse (session revoked) | gone |
 * changed (the record is not the one the worker verified: read it again).
 */
export const ROTATE_REFRESH = `
local sid, expected, presented, fresh, now, grace = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])
local s = redis.call('HMGET', KEYS[1], 'mac', 'rh', 'ph', 'pat')
if not s[1] then return {'gone'} end
if s[1] ~= expected then return {'changed'} end
if presented == s[2] then
  redis.call('HSET', KEYS[1], 'rh', fresh, 'ph', presented, 'pat', now, 'lastUsedAt', now, 'mac', ARGV[8])
  -- Grace 0 means no retry window: no box (SET with PX 0 is an error, after the HSET above).
  if grace > 0 then redis.call('SET', KEYS[3], ARGV[7], 'PX', grace) else redis.call('DEL', KEYS[3]) end
  return {'rotated'}
end
if grace > 0 and presented == s[3] and tonumber(now) - tonumber(s[4]) <= grace then
  local box = redis.call('GET', KEYS[3])
  if box then return {'grace', box} end
end
redis.call('DEL', KEYS[1]); redis.call('ZREM', KEYS[2], sid); redis.call('DEL', KEYS[3])
return {'reuse'}
`;

/** KEYS: session, user index. ARGV: sid. */
export const REVOKE_SESSION = `
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])
`;

/**
 * KEYS: user index. ARGV: session key prefix, then per session: sid, expected MAC, roles JSON,
 * roles-as-of clock value, new MAC. Sets the roles of each session still carrying the expected
 * MAC; forgets index entries whose session is gone. Returns the ids of the sessions changed.
 */
export const SET_SESSION_ROLES = `
local prefix, changed = ARGV[1], {}
for i = 2, #ARGV, 5 do
  local sid, key = ARGV[i], prefix .. ARGV[i]
  local mac = redis.call('HGET', key, 'mac')
  if not mac then
    redis.call('ZREM', KEYS[1], sid)
  elseif mac == ARGV[i + 1] then
    redis.call('HSET', key, 'roles', ARGV[i + 2], 'rat', ARGV[i + 3], 'mac', ARGV[i + 4])
    changed[#changed + 1] = sid
  end
end
return changed
`;

/**
 * A role change starts (before the bridge is asked). KEYS: the user's role-change state. ARGV: now
 * ms, state ttl s, ms after which an unfinished change counts as abandoned. Marks the user's
 * roles as in flight; a change that starts while another is in flight marks the period contended.
 */
export const ROLE_CHANGE_BEGIN = `
local now, ttl, abandon = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local s = redis.call('HMGET', KEYS[1], 'inflight', 'began')
local inflight = tonumber(s[1] or '0')
if inflight > 0 and now - tonumber(s[2] or '0') > abandon then
  inflight = 0; redis.call('HDEL', KEYS[1], 'contended')
end
if inflight > 0 then redis.call('HSET', KEYS[1], 'contended', '1') end
redis.call('HSET', KEYS[1], 'inflight', inflight + 1, 'began', now)
redis.call('EXPIRE', KEYS[1], ttl)
return inflight + 1
`;

/**
 * A role change ends (after the bridge answered, whatever it answered). KEYS: the user's state,
 * the roles clock. ARGV: state ttl s. Returns {changed, alone}: the clock value every session must
 * have read its roles at or after, and 1 when no other change overlapped this one (so the roles
 * the bridge just returned are current and may be written into the sessions).
 */
export const ROLE_CHANGE_END = `
local s = redis.call('HMGET', KEYS[1], 'inflight', 'contended')
local before = tonumber(s[1] or '0')
local inflight = math.max(before - 1, 0)
local changed = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], 'inflight', inflight, 'changed', changed)
local alone = 0
if inflight == 0 then
  -- before ~= 1: this change was closed as abandoned meanwhile, so others may have overlapped it.
  if before == 1 and not s[2] then alone = 1 end
  redis.call('HDEL', KEYS[1], 'contended')
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return {changed, alone}
`;

/**
 * The clock value to tag roles with, read before the bridge is asked for them. KEYS: the user's
 * state, the roles clock. ARGV: now ms, ms after which an unfinished change counts as abandoned.
 * A change abandoned that long ago (its end was lost) has long committed or failed at the bridge,
 * so it is closed here, which lets sessions be trusted again after they re-read their roles.
 */
export const ROLES_TAG = `
local s = redis.call('HMGET', KEYS[1], 'inflight', 'began')
if tonumber(s[1] or '0') > 0 and tonumber(ARGV[1]) - tonumber(s[2] or '0') > tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[1], 'inflight', 0, 'changed', redis.call('INCR', KEYS[2]))
  redis.call('HDEL', KEYS[1], 'contended')
end
return tonumber(redis.call('GET', KEYS[2]) or '0')
`;

/** KEYS: user index. ARGV: session key prefix. Ends every session of a user; returns their ids. */
export const REVOKE_USER = `
local sids = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, sid in ipairs(sids) do redis.call('DEL', ARGV[1] .. sid) end
redis.call('DEL', KEYS[1])
return sids
`;
