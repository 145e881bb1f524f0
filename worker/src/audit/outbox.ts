import {
  AUDIT_EVENT_CLAIM,
  AUDIT_EVENT_TYP,
  AUDIT_OUTBOX_FIELD,
  AUDIT_OUTBOX_STREAM,
  type AuditEventInput,
} from "@tron-auth/shared/protocol";
import type { Context } from "hono";
import { clientOf } from "../client/identity.ts";
import { inBackground } from "../platform/background.ts";
import { settingsOf } from "../platform/config.ts";
import type { AppEnv, Env } from "../platform/env.ts";
import { redisFor } from "../platform/redis.ts";
import { keyRingFrom } from "../tokens/keys.ts";
import { signJwt } from "../tokens/sign.ts";

/** Enough for a long bridge outage; beyond it the oldest events go (approximate trim, O(1)). */
const OUTBOX_MAX_LENGTH = 100_000;

export type EdgeEvent = Omit<AuditEventInput, "id" | "at" | "client" | "requestId">;

function eventId(now: number): string {
  const random = crypto.getRandomValues(new Uint8Array(10));
  return `evt_${now.toString(16).padStart(12, "0")}${[...random].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * The event as a JWT under the worker's signing key, its id bound as `jti`, for the bridge's
 * audience: anyone can append to the stream with the Upstash token, only the worker can sign.
 */
async function signEvent(env: Env, event: AuditEventInput): Promise<string> {
  const settings = settingsOf(env);
  return signJwt(await keyRingFrom(env.JWT_SIGNING_KEYS), {
    typ: AUDIT_EVENT_TYP,
    claims: { [AUDIT_EVENT_CLAIM]: event },
    issuer: settings.JWT_ISSUER,
    audience: settings.BRIDGE_AUDIENCE,
    jti: event.id,
  });
}

/**
 * Appends a signed audit event to the Redis outbox after the response (waitUntil): the bridge
 * verifies and drains it into MongoDB. The id is made here, so a redelivery is stored once. A
 * failed append is logged (without details) and dropped: auditing never fails a request.
 */
export function recordAudit(c: Context<AppEnv>, event: EdgeEvent): Promise<void> {
  const now = Date.now();
  const full: AuditEventInput = {
    ...event,
    id: eventId(now),
    at: new Date(now).toISOString(),
    client: clientOf(c.req),
    requestId: c.var.requestId,
  };
  const append = signEvent(c.env, full)
    .then((jws) =>
      redisFor(c.env).xadd(
        AUDIT_OUTBOX_STREAM,
        "*",
        { [AUDIT_OUTBOX_FIELD]: jws },
        { trim: { type: "MAXLEN", threshold: OUTBOX_MAX_LENGTH, comparison: "~" } },
      ),
    )
    .catch(() => {
      console.warn(
        JSON.stringify({
          level: "warn",
          msg: "audit outbox append failed",
          type: event.type,
          requestId: c.var.requestId,
        }),
      );
    });
  return inBackground(c, append);
}
