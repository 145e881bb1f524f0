import type { Command } from "./protocol.ts";

/**
 * What a restricted token may touch: consume streams through a consumer group, and read hashes.
 * The bridge needs no more (it drains the audit outbox and reads the lockdown state), so a copy of
 * its token on the Pi cannot write sessions, append events or run scripts.
 */
export type ConsumerPolicy = { streams: readonly string[]; readHashes: readonly string[] };

type KeysOf = (args: readonly string[]) => readonly string[] | undefined;

const first: KeysOf = (args) => (args[0] === undefined ? undefined : [args[0]]);

/** XREADGROUP GROUP g c [COUNT n] [NOACK] STREAMS k1..kn id1..idn: the keys are the first half after STREAMS. */
const readGroupKeys: KeysOf = (args) => {
  const at = args.findIndex((a) => a.toUpperCase() === "STREAMS");
  const rest = at < 0 ? [] : args.slice(at + 1);
  return rest.length === 0 || rest.length % 2 !== 0 ? undefined : rest.slice(0, rest.length / 2);
};

/** A subcommand and the key right after it (XGROUP CREATE key ..., XINFO GROUPS key). */
const subcommand =
  (allowed: string): KeysOf =>
  (args) =>
    args[0]?.toUpperCase() === allowed && args[1] !== undefined ? [args[1]] : undefined;

const STREAM_COMMANDS: Record<string, KeysOf> = {
  XREADGROUP: readGroupKeys,
  XACK: first,
  XGROUP: subcommand("CREATE"),
  XINFO: subcommand("GROUPS"),
  XPENDING: first,
  XAUTOCLAIM: first,
  XCLAIM: first,
};
const HASH_READS: Record<string, KeysOf> = { HGET: first, HGETALL: first };

/** Why `command` is refused under `policy` (a Redis-style NOPERM message), or undefined when allowed. */
export function policyRefusal(policy: ConsumerPolicy, command: Command): string | undefined {
  const [name = "", ...args] = command;
  const upper = name.toUpperCase();
  const [keysOf, allowedKeys] = STREAM_COMMANDS[upper]
    ? [STREAM_COMMANDS[upper], policy.streams]
    : HASH_READS[upper]
      ? [HASH_READS[upper], policy.readHashes]
      : [undefined, []];
  if (!keysOf) return `NOPERM this token may not run the '${name.toLowerCase()}' command`;
  const keys = keysOf(args);
  if (!keys) return `NOPERM this token may not run '${name.toLowerCase()}' in this form`;
  const denied = keys.find((k) => !allowedKeys.includes(k));
  return denied === undefined ? undefined : `NOPERM this token may not access the key '${denied}'`;
}
