import { AppError, PROBLEM_CONTENT_TYPE, type Problem, problem } from "@tron-auth/shared/problems";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import type { AppEnv } from "../env.ts";

function respond(c: Context<AppEnv>, doc: Problem): Response {
  const headers: Record<string, string> = {
    "Content-Type": PROBLEM_CONTENT_TYPE,
    "Cache-Control": "no-store",
  };
  const retryAfter = (doc as { retryAfter?: unknown }).retryAfter;
  if (typeof retryAfter === "number") headers["Retry-After"] = String(retryAfter);
  const requestId = c.get("requestId");
  return new Response(JSON.stringify(requestId ? { ...doc, requestId } : doc), {
    status: doc.status,
    headers,
  });
}

export const renderNotFound: NotFoundHandler<AppEnv> = (c) =>
  respond(
    c,
    problem("not_found", { detail: `No route for ${c.req.method} ${new URL(c.req.url).pathname}.` }),
  );

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
