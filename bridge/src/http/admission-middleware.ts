import { AppError } from "@tron-auth/shared/problems";
import { createMiddleware } from "hono/factory";
import { type Admission, Saturated } from "../util/admission.ts";
import type { BridgeEnv } from "./types.ts";

/**
 * Runs the rest of the request (assertion check included: it writes to the database) inside
 * `admission`; when it is saturated, 503 `service_unavailable` with `Retry-After`, before any of
 * that work is done.
 */
export function admit(admission: Admission, what: string, retryAfterSeconds = 1) {
  return createMiddleware<BridgeEnv>(async (c, next) => {
    try {
      await admission.run(() => next());
    } catch (error) {
      if (!(error instanceof Saturated)) throw error;
      c.var.log.warn({ running: admission.running, waiting: admission.waiting }, `${what}: saturated`);
      throw new AppError("service_unavailable", `Too many ${what} at once; retry shortly.`, {
        retryAfter: retryAfterSeconds,
      });
    }
  });
}
