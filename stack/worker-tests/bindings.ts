import type { WorkerTestContext } from "@tron-auth/worker/test-context";
import { bridgeBinding, type WorkerBindings, workerBindings } from "../src/worker-bindings.ts";

/**
 * The worker's bindings in its tests and the benchmark: what `npm start` gives it, plus limits out
 * of the way and the test-only bridge bindings for the negative mTLS cases.
 */
export function testWorkerBindings(ctx: WorkerTestContext, upstashUrl = ctx.upstashUrl): WorkerBindings {
  const base = workerBindings({
    upstashUrl,
    upstashToken: ctx.upstashToken,
    bridgeAddress: ctx.bridgeAddress,
    caPem: ctx.caPem,
    clientKeypair: ctx.clientKeypair,
    jwtSigningKeys: ctx.jwt.ringA,
    sessionMacKey: ctx.sessionMac.a,
    siwt: ctx.siwt,
    jwt: { issuer: ctx.jwt.issuer, audience: ctx.jwt.audience },
  });
  return {
    bindings: {
      ...base.bindings,
      // Tests share one client IP; the limit tests set their own tight limits per request.
      RATE_LIMIT_PUBLIC: "1000000",
      RATE_LIMIT_USER: "1000000",
      RATE_LIMIT_PRIVILEGED: "1000000",
      RATE_LIMIT_CHALLENGE: "1000000",
      RATE_LIMIT_LOGIN: "1000000",
      // Tests without cf-connecting-ip are one client; the failure tests set their own thresholds.
      LOGIN_BLOCK_FAILURES_PER_CLIENT: "1000000",
    },
    serviceBindings: {
      ...base.serviceBindings,
      BRIDGE_NO_CLIENT_CERT: bridgeBinding(ctx.bridgeAddress, ctx.caPem),
      BRIDGE_FOREIGN_CLIENT_CERT: bridgeBinding(ctx.bridgeAddress, ctx.caPem, ctx.foreignClientKeypair),
      BRIDGE_DOWN: bridgeBinding(ctx.downBridgeAddress, ctx.caPem, ctx.clientKeypair),
    },
  };
}
