import { macOf, READ_FIELDS, SESSION_FIELDS, type StoredSession } from "../../src/sessions/record.ts";
import { macRingFrom } from "../../src/sessions/record-mac.ts";
import { ctx } from "./edge.ts";

/** One raw command to the test Upstash front with the full token: what anyone holding it can do. */
export async function redisCommand<T = unknown>(
  command: (string | number)[],
  url = ctx.upstashUrl,
  token = ctx.upstashToken,
): Promise<{ status: number; result?: T; error?: string }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify(command.map(String)),
  });
  return { status: res.status, ...(await res.json<{ result?: T; error?: string }>()) };
}

export const sidOf = (refreshToken: string) => refreshToken.split(".")[0] ?? "";

/**
 * Changes stored fields of a session the way the worker itself would (a fresh MAC with the
 * worker's key): for tests that need a legitimately old or stale session, not a forged one.
 */
export async function rewriteSessionAsWorker(sid: string, changes: Partial<StoredSession>): Promise<void> {
  const { result } = await redisCommand<(string | null)[]>(["HMGET", `ta:sess:${sid}`, ...READ_FIELDS]);
  const current = Object.fromEntries(SESSION_FIELDS.map((f, i) => [f, result?.[i] ?? ""])) as StoredSession;
  const next = { ...current, ...changes };
  const mac = await macOf(await macRingFrom(ctx.sessionMac.a), sid, next);
  const pairs = Object.entries({ ...next, mac }).flat();
  expectOk(await redisCommand(["HSET", `ta:sess:${sid}`, ...pairs]));
}

function expectOk(reply: { status: number; error?: string }): void {
  if (reply.status !== 200) throw new Error(`redis: ${reply.error ?? reply.status}`);
}
