import { settingsOf } from "../config.ts";
import type { Env } from "../env.ts";
import { redisFor, redisOp } from "../redis.ts";

const failuresKey = (address: string) => `ta:lf:${address}`;
const lockKey = (address: string) => `ta:lockout:${address}`;

/**
 * KEYS: failure counter, lock. ARGV: threshold, window s, lock s. Counts one failure in the
 * window; at the threshold the address is locked and the counter cleared. Returns 1 when this
 * failure locked the address.
 */
const RECORD_FAILURE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
if n >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

/**
 * Address lockout: LOCKOUT_THRESHOLD failed sign-ins for one address within LOCKOUT_WINDOW_SECONDS
 * lock it for LOCKOUT_SECONDS. Anyone can name an address in a message, so this also lets a
 * stranger lock an address out for a while; the per-IP login limit bounds how fast.
 */
export const lockout = {
  /** Seconds the address stays locked, 0 when it is not. */
  async secondsLeft(env: Env, address: string): Promise<number> {
    const ttl = await redisOp(() => redisFor(env).ttl(lockKey(address)));
    return Math.max(ttl, 0);
  },

  async recordFailure(env: Env, address: string): Promise<boolean> {
    const s = settingsOf(env);
    const locked = await redisOp(() =>
      redisFor(env).eval<string[], number>(
        RECORD_FAILURE,
        [failuresKey(address), lockKey(address)],
        [String(s.LOCKOUT_THRESHOLD), String(s.LOCKOUT_WINDOW_SECONDS), String(s.LOCKOUT_SECONDS)],
      ),
    );
    return Number(locked) === 1;
  },

  async clearFailures(env: Env, address: string): Promise<void> {
    await redisOp(() => redisFor(env).del(failuresKey(address)));
  },
};
