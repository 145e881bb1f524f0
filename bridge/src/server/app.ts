import { Hono } from "hono";
import { pino } from "pino";
import type { AssertionVerifier } from "../auth/assertion.ts";
import type { Probe } from "../health/report.ts";
import { admit } from "../http/admission-middleware.ts";
import { requireAssertion } from "../http/assertion-middleware.ts";
import { notFound, onError } from "../http/problem-response.ts";
import { requestContext } from "../http/request-context.ts";
import type { BridgeEnv } from "../http/types.ts";
import { healthRoutes } from "../routes/health.ts";
import { LOGIN_VERIFY_PATH } from "../routes/login.ts";
import { peerRoutes } from "../routes/peer.ts";
import type { Admission } from "../util/admission.ts";

export type AppDeps = {
  log?: pino.Logger;
  version?: string;
  probes?: readonly Probe[];
  pinnedClientFingerprints?: () => readonly string[];
  bodyLimitBytes?: number;
  /** With a verifier, /internal/* requires the worker's internal assertion. */
  verifyAssertion?: AssertionVerifier;
  /** Bounds the login verifications in progress (signature checks and database writes). */
  loginAdmission?: Admission;
  /** Route groups mounted under /internal (login, users, audit), built by the composition root. */
  internal?: readonly Hono<BridgeEnv>[];
};

export function createApp(deps: AppDeps = {}): Hono<BridgeEnv> {
  if ((deps.internal?.length ?? 0) > 0 && !deps.verifyAssertion) {
    // Fail closed: internal routes are never mounted without the assertion check in front.
    throw new Error("internal routes need an assertion verifier");
  }
  const app = new Hono<BridgeEnv>();
  const log = deps.log ?? pino({ level: "silent" });
  app.use(requestContext(log, deps.pinnedClientFingerprints ?? (() => [])));
  app.route("/", healthRoutes(deps.version ?? "1.0.0", deps.probes ?? []));
  // mTLS-only (no assertion): it shows callers their own certificate, for checking a rotation.
  app.route("/", peerRoutes);
  // Before the assertion check, which is itself work (a database write) a flood must not pile up.
  if (deps.loginAdmission) app.use(LOGIN_VERIFY_PATH, admit(deps.loginAdmission, "sign-in verifications"));
  if (deps.verifyAssertion) {
    app.use("/internal/*", requireAssertion(deps.verifyAssertion, deps.bodyLimitBytes ?? 64 * 1024));
  }
  for (const group of deps.internal ?? []) app.route("/", group);
  app.notFound(notFound);
  app.onError(onError);
  return app;
}
