import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ErrorReply } from "redis";
import { bearerMatches } from "./auth.ts";
import { encodeReply } from "./encoding.ts";
import { type Faults, faultRuleSchema } from "./faults.ts";
import { type ConsumerPolicy, policyRefusal } from "./policy.ts";
import { type Command, commandSchema, pipelineSchema, refusal } from "./protocol.ts";
import type { RedisClient } from "./redis-client.ts";
import type { ScriptMap } from "./scripts.ts";

type Outcome = { result: unknown } | { error: string };

const MAX_BODY = 1024 * 1024;
const LOCAL_PREFIX = "/_local/";

export type AppDeps = {
  redis: RedisClient;
  /** Full access, like an Upstash database's standard token. */
  token: string;
  /** A second token limited to `policy` (Upstash: an ACL user's REST token). */
  restricted?: { token: string; policy: ConsumerPolicy };
  scripts: ScriptMap;
  stats: Map<string, number>;
  /** Tests only: fault injection under /_local/faults (full token). */
  faults?: Faults;
};

class BadRequest extends Error {}

async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.length > MAX_BODY) throw new BadRequest("ERR request body too large");
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest("ERR request body is not valid JSON");
  }
}

function parse<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } };
  },
  value: unknown,
): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new BadRequest(`ERR malformed command: ${r.error.issues[0]?.message ?? "invalid"}`);
  return r.data;
}

function isRedisError(e: unknown): e is Error {
  return e instanceof ErrorReply;
}

async function run(deps: AppDeps, command: Command): Promise<Outcome> {
  const { redis, scripts } = deps;
  const refused = refusal(command);
  if (refused) return { error: refused };
  const injected = await deps.faults?.apply(command);
  if (injected) return { error: injected };
  try {
    const reply = await redis.sendCommand(scripts.translate(command));
    return { result: scripts.translateReply(command, reply) };
  } catch (e) {
    if (isRedisError(e)) return { error: e.message };
    throw e;
  }
}

function render(outcome: Outcome, base64: boolean): { error: string } | { result: unknown } {
  return "error" in outcome ? outcome : { result: encodeReply(outcome.result, base64) };
}

type Vars = { Variables: { policy: ConsumerPolicy | undefined } };

/** 403 for the whole request when any command is outside the token's policy: nothing runs. */
function policyRefusalOf(
  policy: ConsumerPolicy | undefined,
  commands: readonly Command[],
): string | undefined {
  if (!policy) return undefined;
  for (const command of commands) {
    const refused = policyRefusal(policy, command);
    if (refused) return refused;
  }
  return undefined;
}

export function createUpstashApp(deps: AppDeps): Hono<Vars> {
  const app = new Hono<Vars>();
  app.use(async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (!path.startsWith(LOCAL_PREFIX)) deps.stats.set(path, (deps.stats.get(path) ?? 0) + 1);
    const header = c.req.header("authorization");
    // Both compared in constant time, whichever matches.
    const full = bearerMatches(header, deps.token);
    const limited = deps.restricted ? bearerMatches(header, deps.restricted.token) : false;
    if (!full && !limited) return c.json({ error: "Unauthorized" }, 401);
    c.set("policy", full ? undefined : deps.restricted?.policy);
    await next();
  });
  // Local-only diagnostics (not part of Upstash's API): tests in workerd count round trips with it.
  app.get(`${LOCAL_PREFIX}stats`, (c) =>
    c.var.policy
      ? c.json({ error: "NOPERM this token may not read the statistics" }, 403)
      : c.json(Object.fromEntries(deps.stats)),
  );
  const faults = deps.faults;
  if (faults) {
    const fullOnly = (c: { var: { policy: ConsumerPolicy | undefined } }) => c.var.policy === undefined;
    app.post(`${LOCAL_PREFIX}faults`, async (c) => {
      if (!fullOnly(c)) return c.json({ error: "NOPERM" }, 403);
      faults.arm(parse(faultRuleSchema, await readJson(c.req.raw)));
      return c.json(faults.state());
    });
    app.post(`${LOCAL_PREFIX}faults/release`, (c) => {
      if (!fullOnly(c)) return c.json({ error: "NOPERM" }, 403);
      faults.release();
      return c.json(faults.state());
    });
    app.get(`${LOCAL_PREFIX}faults`, (c) => c.json(faults.state()));
  }
  const base64 = (req: Request) => req.headers.get("upstash-encoding")?.toLowerCase() === "base64";

  app.post("/", async (c) => {
    const command = parse(commandSchema, await readJson(c.req.raw));
    const denied = policyRefusalOf(c.var.policy, [command]);
    if (denied) return c.json({ error: denied }, 403);
    const outcome = await run(deps, command);
    return c.json(render(outcome, base64(c.req.raw)), "error" in outcome ? 400 : 200);
  });

  app.post("/pipeline", async (c) => {
    const commands = parse(pipelineSchema, await readJson(c.req.raw));
    const denied = policyRefusalOf(c.var.policy, commands);
    if (denied) return c.json({ error: denied }, 403);
    const outcomes = await Promise.all(commands.map((cmd) => run(deps, cmd)));
    return c.json(outcomes.map((o) => render(o, base64(c.req.raw))));
  });

  app.post("/multi-exec", async (c) => {
    const commands = parse(pipelineSchema, await readJson(c.req.raw));
    const denied = policyRefusalOf(c.var.policy, commands);
    if (denied) return c.json({ error: denied }, 403);
    const refused = commands.map(refusal).find(Boolean);
    if (refused) return c.json({ error: refused }, 400);
    for (const cmd of commands) {
      const injected = await deps.faults?.apply(cmd);
      if (injected) return c.json({ error: injected }, 400);
    }
    // A dedicated connection: MULTI..EXEC must not interleave with other requests' commands.
    const conn = deps.redis.duplicate();
    await conn.connect();
    try {
      await conn.sendCommand(["MULTI"]);
      for (const cmd of commands) {
        try {
          await conn.sendCommand(deps.scripts.translate(cmd));
        } catch (e) {
          if (!isRedisError(e)) throw e;
          await conn.sendCommand(["DISCARD"]);
          return c.json({ error: e.message }, 400);
        }
      }
      const replies = (await conn.sendCommand(["EXEC"])) as unknown[];
      return c.json(
        replies.map((r, i) =>
          r instanceof ErrorReply
            ? { error: r.message }
            : render({ result: deps.scripts.translateReply(commands[i] as Command, r) }, base64(c.req.raw)),
        ),
      );
    } finally {
      await conn.quit().catch(() => undefined);
    }
  });

  app.notFound((c) => c.json({ error: "Not found: use POST /, /pipeline or /multi-exec" }, 404));
  app.onError((error, c) => {
    if (error instanceof BadRequest) return c.json({ error: error.message }, 400);
    const down = /ECONNREFUSED|closed|Socket/i.test(error.message);
    return c.json(
      { error: down ? "ERR redis is unavailable" : "ERR internal error" },
      (down ? 503 : 500) as ContentfulStatusCode,
    );
  });
  return app;
}
