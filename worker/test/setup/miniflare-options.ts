import type { WorkerTestContext } from "./context.ts";

type Keypair = { certificateChain: string; privateKey: string };

/**
 * The worker's bindings against the local stack, shared by the vitest pool and the benchmark so
 * both run the worker exactly as configured here. BRIDGE is a real mTLS service binding.
 */
export function workerBindings(ctx: WorkerTestContext, upstashUrl = ctx.upstashUrl) {
  const bridge = (keypair?: Keypair, address = ctx.bridgeAddress) => ({
    external: {
      address,
      https: {
        tlsOptions: { ...(keypair ? { keypair } : {}), trustedCertificates: [ctx.caPem] },
        certificateHost: "localhost",
      },
    },
  });
  return {
    bindings: {
      UPSTASH_REDIS_REST_URL: upstashUrl,
      UPSTASH_REDIS_REST_TOKEN: ctx.upstashToken,
      BRIDGE_ORIGIN: "https://localhost",
      JWT_SIGNING_KEYS: ctx.jwt.ringA,
      SESSION_MAC_KEY: ctx.sessionMac.a,
      JWT_ISSUER: ctx.jwt.issuer,
      JWT_AUDIENCE: ctx.jwt.audience,
      SIWT_DOMAIN: ctx.siwt.domain,
      SIWT_URI: ctx.siwt.uri,
      SIWT_CHAIN_ID: ctx.siwt.chainId,
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
      BRIDGE: bridge(ctx.clientKeypair),
      // Test-only bindings for the negative mTLS cases.
      BRIDGE_NO_CLIENT_CERT: bridge(),
      BRIDGE_FOREIGN_CLIENT_CERT: bridge(ctx.foreignClientKeypair),
      BRIDGE_DOWN: bridge(ctx.clientKeypair, ctx.downBridgeAddress),
    },
  };
}
