import { LuaScript } from "../platform/lua-script.ts";

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

/** Creates a session and evicts the user's oldest beyond the limit. Returns the evicted ids. */
export const CREATE_SESSION = new LuaScript<string[]>(`
local session_key, user_index = KEYS[1], KEYS[2]
local sid, now, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local max_sessions, session_prefix = tonumber(ARGV[4]), ARGV[5]
-- ARGV[6..]: the record's field/value pairs, MAC included.
local fields = {}
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', session_key, unpack(fields))
redis.call('EXPIRE', session_key, ttl)
for _, member in ipairs(redis.call('ZRANGE', user_index, 0, -1)) do
  if redis.call('EXISTS', session_prefix .. member) == 0 then redis.call('ZREM', user_index, member) end
end
redis.call('ZADD', user_index, now, sid)
redis.call('EXPIRE', user_index, ttl)
local evicted = {}
while redis.call('ZCARD', user_index) > max_sessions do
  local oldest = redis.call('ZPOPMIN', user_index)
  redis.call('DEL', session_prefix .. oldest[1])
  evicted[#evicted + 1] = oldest[1]
end
return evicted
`);

/** Returns the values of the named fields as one JSON array (false: missing). */
export const READ_SESSION = new LuaScript<unknown>(`
local session_key = KEYS[1]
-- ARGV: the field names.
return cjson.encode(redis.call('HMGET', session_key, unpack(ARGV)))
`);

/**
 * The hot path's one command. Returns JSON [values, epoch, role-change state]: epoch is
 * "<ms>:<exempt sid>" or false; the state is [inflight, changed, began] of the user the record
 * names. A script (not HMGET) so it is a write-mode command and @upstash/redis auto-pipelines it
 * together with the rate limiter's script into one HTTP request.
 */
export const SESSION_STATE = new LuaScript<unknown>(`
local session_key, epoch_key = KEYS[1], KEYS[2]
local role_state_prefix = ARGV[1]
-- ARGV[2..]: the field names, the user id first.
local values = redis.call('HMGET', session_key, unpack(ARGV, 2))
local roles = false
if values[1] then roles = redis.call('HMGET', role_state_prefix .. values[1], 'inflight', 'changed', 'began') end
return cjson.encode({values, redis.call('GET', epoch_key), roles})
`);

/**
 * One rotation step. Returns {outcome} or {'grace', sealed pair}: rotated | grace | reuse (session
 * revoked) | gone | changed (the record is not the one the worker verified: read it again).
 */
export const ROTATE_REFRESH = new LuaScript<unknown[]>(`
local session_key, user_index, grace_key = KEYS[1], KEYS[2], KEYS[3]
local sid, expected_mac, presented, fresh = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now, grace_ms, sealed_pair, rotated_mac = ARGV[5], tonumber(ARGV[6]), ARGV[7], ARGV[8]
local s = redis.call('HMGET', session_key, 'mac', 'rh', 'ph', 'pat')
if not s[1] then return {'gone'} end
if s[1] ~= expected_mac then return {'changed'} end
if presented == s[2] then
  redis.call('HSET', session_key, 'rh', fresh, 'ph', presented, 'pat', now, 'lastUsedAt', now, 'mac', rotated_mac)
  -- Grace 0 means no retry window: no box (SET with PX 0 is an error, after the HSET above).
  if grace_ms > 0 then redis.call('SET', grace_key, sealed_pair, 'PX', grace_ms) else redis.call('DEL', grace_key) end
  return {'rotated'}
end
if grace_ms > 0 and presented == s[3] and tonumber(now) - tonumber(s[4]) <= grace_ms then
  local box = redis.call('GET', grace_key)
  if box then return {'grace', box} end
end
redis.call('DEL', session_key); redis.call('ZREM', user_index, sid); redis.call('DEL', grace_key)
return {'reuse'}
`);

/** Ends one session. Returns 1 when it existed. */
export const REVOKE_SESSION = new LuaScript<number>(`
local session_key, user_index = KEYS[1], KEYS[2]
local sid = ARGV[1]
redis.call('ZREM', user_index, sid)
return redis.call('DEL', session_key)
`);

/**
 * Sets the roles of each session still carrying the expected MAC; forgets index entries whose
 * session is gone. Returns the ids of the sessions changed.
 */
export const SET_SESSION_ROLES = new LuaScript<string[]>(`
local user_index = KEYS[1]
local session_prefix = ARGV[1]
-- ARGV[2..], per session: sid, expected MAC, roles JSON, roles-as-of clock value, new MAC.
local changed = {}
for i = 2, #ARGV, 5 do
  local sid, expected_mac, roles, roles_as_of, new_mac = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local key = session_prefix .. sid
  local mac = redis.call('HGET', key, 'mac')
  if not mac then
    redis.call('ZREM', user_index, sid)
  elseif mac == expected_mac then
    redis.call('HSET', key, 'roles', roles, 'rat', roles_as_of, 'mac', new_mac)
    changed[#changed + 1] = sid
  end
end
return changed
`);

/**
 * A role change starts (before the bridge is asked): marks the user's roles as in flight; a
 * change that starts while another is in flight marks the period contended.
 */
export const ROLE_CHANGE_BEGIN = new LuaScript<number>(`
local role_state = KEYS[1]
local now, ttl, abandon_after_ms = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local s = redis.call('HMGET', role_state, 'inflight', 'began')
local inflight = tonumber(s[1] or '0')
if inflight > 0 and now - tonumber(s[2] or '0') > abandon_after_ms then
  inflight = 0; redis.call('HDEL', role_state, 'contended')
end
if inflight > 0 then redis.call('HSET', role_state, 'contended', '1') end
redis.call('HSET', role_state, 'inflight', inflight + 1, 'began', now)
redis.call('EXPIRE', role_state, ttl)
return inflight + 1
`);

/**
 * A role change ends (after the bridge answered, whatever it answered). Returns {changed, alone}:
 * the clock value every session must have read its roles at or after, and 1 when no other change
 * overlapped this one (so the roles the bridge just returned are current and may be written into
 * the sessions).
 */
export const ROLE_CHANGE_END = new LuaScript<unknown[]>(`
local role_state, roles_clock = KEYS[1], KEYS[2]
local ttl = ARGV[1]
local s = redis.call('HMGET', role_state, 'inflight', 'contended')
local before = tonumber(s[1] or '0')
local inflight = math.max(before - 1, 0)
local changed = redis.call('INCR', roles_clock)
redis.call('HSET', role_state, 'inflight', inflight, 'changed', changed)
local alone = 0
if inflight == 0 then
  -- before ~= 1: this change was closed as abandoned meanwhile, so others may have overlapped it.
  if before == 1 and not s[2] then alone = 1 end
  redis.call('HDEL', role_state, 'contended')
end
redis.call('EXPIRE', role_state, ttl)
return {changed, alone}
`);

/**
 * The clock value to tag roles with, read before the bridge is asked for them. A change abandoned
 * long ago (its end was lost) has long committed or failed at the bridge, so it is closed here,
 * which lets sessions be trusted again after they re-read their roles.
 */
export const ROLES_TAG = new LuaScript<number>(`
local role_state, roles_clock = KEYS[1], KEYS[2]
local now, abandon_after_ms = tonumber(ARGV[1]), tonumber(ARGV[2])
local s = redis.call('HMGET', role_state, 'inflight', 'began')
if tonumber(s[1] or '0') > 0 and now - tonumber(s[2] or '0') > abandon_after_ms then
  redis.call('HSET', role_state, 'inflight', 0, 'changed', redis.call('INCR', roles_clock))
  redis.call('HDEL', role_state, 'contended')
end
return tonumber(redis.call('GET', roles_clock) or '0')
`);

/** Ends every session of a user; returns their ids. */
export const REVOKE_USER = new LuaScript<string[]>(`
local user_index = KEYS[1]
local session_prefix = ARGV[1]
local sids = redis.call('ZRANGE', user_index, 0, -1)
for _, sid in ipairs(sids) do redis.call('DEL', session_prefix .. sid) end
redis.call('DEL', user_index)
return sids
`);
