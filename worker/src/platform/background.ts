import type { Context } from "hono";
import type { AppEnv } from "./env.ts";

/**
 * Work the response does not wait for (audit reports). Outside a real request (a unit test
 * calling app.request without an ExecutionContext) it is awaited instead of lost.
 */
export async function inBackground(c: Context<AppEnv>, work: Promise<unknown>): Promise<void> {
  let ctx: { waitUntil(p: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  if (ctx) ctx.waitUntil(work);
  else await work;
}
