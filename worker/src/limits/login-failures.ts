import { settingsOf } from "../platform/config.ts";
import type { Env } from "../platform/env.ts";
import { LuaScript } from "../platform/lua-script.ts";
import { redisFor, redisOp } from "../platform/redis.ts";

/** What a block covers: one address for this client, or every sign-in from this client. */
export type BlockScope = "address" | "client";
export type Block = { scope: BlockScope; seconds: number };

// `client` is a clientKey (IPv4 address or IPv6 /64); the pair keys add the address it named.
const counterKey = (client: string, address?: string) => `ta:lf:${client}${address ? `|${address}` : ""}`;
const blockKey = (client: string, address?: string) => `ta:lb:${client}${address ? `|${address}` : ""}`;

/**
 * Counts one failure in each window (fixed, from the first failure); a counter reaching its
 * threshold sets its block and is cleared, so the client starts afresh when the block ends.
 * Returns a bit set of the blocks this failure set: 1 the client's, 2 the client+address one.
 */
const RECORD_FAILURE = new LuaScript<number>(`
local client_counter, client_block = KEYS[1], KEYS[2]
-- KEYS[3], KEYS[4] (optional): the client+address counter and block.
local address_counter, address_block = KEYS[3], KEYS[4]
local client_threshold, address_threshold = ARGV[1], ARGV[2]
local window_s, block_s = ARGV[3], ARGV[4]
local function count(counter, block, threshold)
  local n = redis.call('INCR', counter)
  if n == 1 then redis.call('EXPIRE', counter, window_s) end
  if n >= tonumber(threshold) then
    redis.call('SET', block, '1', 'EX', block_s)
    redis.call('DEL', counter)
    return 1
  end
  return 0
end
local set = count(client_counter, client_block, client_threshold)
if address_counter then set = set + 2 * count(address_counter, address_block, address_threshold) end
return set
`);

/**
 * Failed sign-ins slow down the client that makes them, never the address it names. Anyone can
 * name any address in a message, and a wallet signature cannot be guessed, so an address lock
 * would only let strangers keep the owner (a SUPER_ADMIN in an incident too) out; a client's own
 * failures are what it can be held to. Clients behind one IPv4 NAT or one IPv6 /64 share a count.
 */
export const loginFailures = {
  /** The longest block standing against this client (for this address), if any. */
  async blockOf(env: Env, client: string, address: string | undefined): Promise<Block | undefined> {
    const redis = redisFor(env);
    // Issued in one tick: auto-pipelined into one Upstash request.
    const [all, pair] = await redisOp(() =>
      Promise.all([redis.ttl(blockKey(client)), address ? redis.ttl(blockKey(client, address)) : -2]),
    );
    if (all <= 0 && pair <= 0) return undefined;
    return all >= pair ? { scope: "client", seconds: all } : { scope: "address", seconds: pair };
  },

  /** Counts a failure; returns the blocks it set (empty when none). */
  async record(env: Env, client: string, address: string | undefined): Promise<BlockScope[]> {
    const s = settingsOf(env);
    const keys = [counterKey(client), blockKey(client)];
    if (address) keys.push(counterKey(client, address), blockKey(client, address));
    const set = await redisOp(() =>
      RECORD_FAILURE.run(redisFor(env), keys, [
        String(s.LOGIN_BLOCK_FAILURES_PER_CLIENT),
        String(s.LOGIN_BLOCK_FAILURES_PER_ADDRESS),
        String(s.LOGIN_BLOCK_WINDOW_SECONDS),
        String(s.LOGIN_BLOCK_SECONDS),
      ]),
    );
    const bits = Number(set);
    return [...(bits & 1 ? (["client"] as const) : []), ...(bits & 2 ? (["address"] as const) : [])];
  },

  /**
   * A good sign-in clears this client's count for the address it proved it holds. The client-wide
   * count stays: signing in with one's own wallet must not wash away guesses at others.
   */
  async clear(env: Env, client: string, address: string): Promise<void> {
    await redisOp(() => redisFor(env).del(counterKey(client, address)));
  },
};
