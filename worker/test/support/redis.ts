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
  const binding = result?.[SESSION_FIELDS.length];
  if (binding) current.jkt = binding;
  const next = { ...current, ...changes };
  const mac = await macOf(await macRingFrom(ctx.sessionMac.a), sid, next);
  const pairs = Object.entries({ ...next, mac }).flatMap(([k, v]) => (v === undefined ? [] : [k, v]));
  expectOk(await redisCommand(["HSET", `ta:sess:${sid}`, ...pairs]));
}

function expectOk(reply: { status: number; error?: string }): void {
  if (reply.status !== 200) throw new Error(`redis: ${reply.error ?? reply.status}`);
}

type FaultState = { armed: number; held: number };

async function faultCall(path: string, body?: unknown): Promise<FaultState> {
  const res = await fetch(`${ctx.upstashUrl}/_local/faults${path}`, {
    method: body === undefined && path === "" ? "GET" : "POST",
    headers: { authorization: `Bearer ${ctx.upstashToken}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status !== 200) throw new Error(`faults: ${res.status} ${await res.text()}`);
  return res.json<FaultState>();
}

/**
 * The next command(s) reaching Redis whose text holds every string of `match` fail as if Redis had
 * refused them (`fail`), or wait until `releaseFaults` (`hold`): one step of a real flow fails.
 */
export const injectFault = (match: string[], mode: "fail" | "hold" = "fail", times = 1) =>
  faultCall("", { match, mode, times });
export const releaseFaults = () => faultCall("/release", {});
export const faultState = () => faultCall("");
