import { AppError, PROBLEM_CONTENT_TYPE, type Problem, problem } from "@tron-auth/shared/problems";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import type { BridgeEnv } from "./types.ts";

export function problemResponse(doc: Problem, requestId?: string): Response {
  const body = requestId ? { ...doc, requestId } : doc;
  const headers: Record<string, string> = { "Content-Type": PROBLEM_CONTENT_TYPE };
  // The header is what proxies and HTTP clients read; the body's field is for the worker's logs.
  if (typeof doc.retryAfter === "number") headers["Retry-After"] = String(doc.retryAfter);
  return new Response(JSON.stringify(body), { status: doc.status, headers });
}

const rid = (c: Context<BridgeEnv>) => c.get("requestId");

export const notFound: NotFoundHandler<BridgeEnv> = (c) => problemResponse(problem("not_found"), rid(c));

/**
 * The driver's errors for a database that does not answer (down, restarting, unreachable), by
 * name: several copies of the driver's classes can be loaded, so `instanceof` is not reliable.
 */
const DATABASE_AWAY = new Set([
  "MongoServerSelectionError",
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoTopologyClosedError",
  "MongoPoolClearedError",
]);

/**
 * Known errors become their problem; a database that does not answer is 503 with a retry hint
 * (an outage, not a bug); anything else is logged with its stack and shown as a bare 500.
 */
export const onError: ErrorHandler<BridgeEnv> = (error, c) => {
  if (error instanceof AppError) return problemResponse((error as AppError).problem, rid(c));
  if (DATABASE_AWAY.has(error.name)) {
    c.get("log")?.warn({ err: error.message }, "database not answering");
    return problemResponse(
      problem("service_unavailable", { detail: "The database is not answering.", retryAfter: 5 }),
      rid(c),
    );
  }
  c.get("log")?.error({ err: error }, "unhandled error");
  return problemResponse(problem("internal_error"), rid(c));
};
