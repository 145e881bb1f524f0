import { AppError, PROBLEM_CONTENT_TYPE, type Problem, problem } from "@tron-auth/shared/problems";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import type { AppEnv } from "../platform/env.ts";

function respond(c: Context<AppEnv>, doc: Problem): Response {
  const headers: Record<string, string> = {
    "Content-Type": PROBLEM_CONTENT_TYPE,
    "Cache-Control": "no-store",
  };
  // HTTP requires a challenge on every 401; RFC 6750 names the token errors.
  if (doc.status === 401) headers["WWW-Authenticate"] = bearerChallenge(doc.code);
  const retryAfter = (doc as { retryAfter?: unknown }).retryAfter;
  if (typeof retryAfter === "number") headers["Retry-After"] = String(retryAfter);
  const requestId = c.get("requestId");
  return new Response(JSON.stringify(requestId ? { ...doc, requestId } : doc), {
    status: doc.status,
    headers,
  });
}

const TOKEN_ERRORS = new Set(["invalid_token", "token_expired", "session_revoked", "refresh_token_reused"]);

function bearerChallenge(code: string): string {
  return TOKEN_ERRORS.has(code)
    ? 'Bearer realm="tron-auth", error="invalid_token"'
    : 'Bearer realm="tron-auth"';
}

export const renderNotFound: NotFoundHandler<AppEnv> = (c) =>
  respond(
    c,
    problem("not_found", { detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` }),
  );

/** A path some route has, asked with a method none answers (RFC 9110: a 405 lists what it allows). */
export function renderMethodNotAllowed(c: Context<AppEnv>, allow: readonly string[]): Response {
  const res = respond(
    c,
    problem("method_not_allowed", {
      detail: `${new URL(c.req.url).pathname} answers ${allow.join(", ")}, not ${c.req.method}.`,
    }),
  );
  res.headers.set("Allow", allow.join(", "));
  return res;
}

/** Known errors render their problem; anything else is logged here and shown as a bare 500. */
export const renderError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof AppError) return respond(c, error.problem);
  console.error(
    JSON.stringify({
      level: "error",
      msg: "unhandled error",
      requestId: c.get("requestId"),
      name: error.name,
    }),
  );
  return respond(c, problem("internal_error"));
};
