/**
 * Lua run atomically in Redis, one round trip each. The session hash key and the user's session
 * index are passed as KEYS; evicted or revoked sessions are addressed by prefix, which is fine on
 * a single-shard Redis (Upstash, and redis-server locally).
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

/**
 * KEYS: session, user index, grace box. ARGV: sid, presented hash, new hash, now ms, grace ms,
 * sealed new pair, grace ttl s.
 * Returns {outcome, uid}: rotated | grace (+ sealed pair) | reuse (session revoked) | gone.
 */
export const ROTATE_REFRESH = `
local sid, presented, fresh, now, grace = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local s = redis.call('HMGET', KEYS[1], 'rh', 'ph', 'pat', 'absExp', 'uid')
if not s[1] then return {'gone', ''} end
if tonumber(s[4]) <= now then
  redis.call('DEL', KEYS[1]); redis.call('ZREM', KEYS[2], sid)
  return {'gone', s[5]}
end
if presented == s[1] then
  redis.call('HSET', KEYS[1], 'rh', fresh, 'ph', presented, 'pat', now, 'lastUsedAt', now)
  redis.call('SET', KEYS[3], ARGV[6], 'PX', grace)
  return {'rotated', s[5]}
end
if presented == s[2] and now - tonumber(s[3]) <= grace then
  local box = redis.call('GET', KEYS[3])
  if box then return {'grace', s[5], box} end
end
redis.call('DEL', KEYS[1]); redis.call('ZREM', KEYS[2], sid); redis.call('DEL', KEYS[3])
return {'reuse', s[5]}
`;

/** KEYS: session, user index. ARGV: sid. */
export const REVOKE_SESSION = `
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])
`;

/**
 * The hot path's one command. KEYS: session, lockdown epoch. Returns {uid, roles, loginAt,
 * epoch}: nil fields for a missing session; epoch is "<ms>:<exempt sid>" or nil. A script (not
 * HMGET) so it is a write-mode command and @upstash/redis auto-pipelines it together with the
 * rate limiter's script into one HTTP request.
 */
export const SESSION_STATE = `
local s = redis.call('HMGET', KEYS[1], 'uid', 'roles', 'loginAt')
return {s[1], s[2], s[3], redis.call('GET', KEYS[2])}
`;

/**
 * KEYS: user index. ARGV: session key prefix, roles JSON. New roles on every live session of a
 * user; returns the ids of the sessions changed.
 */
export const SET_USER_ROLES = `
local changed = {}
for _, sid in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if redis.call('EXISTS', ARGV[1] .. sid) == 1 then
    redis.call('HSET', ARGV[1] .. sid, 'roles', ARGV[2]); changed[#changed + 1] = sid
  else
    redis.call('ZREM', KEYS[1], sid)
  end
end
return changed
`;

/** KEYS: user index. ARGV: session key prefix. Ends every session of a user; returns their ids. */
export const REVOKE_USER = `
local sids = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, sid in ipairs(sids) do redis.call('DEL', ARGV[1] .. sid) end
redis.call('DEL', KEYS[1])
return sids
`;
