import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import type { WorkerTestContext } from "./test/setup/context.ts";

/**
 * Worker tests run inside workerd. The global setup starts the real parts (redis-server behind the
 * local Upstash REST server, the bridge over mTLS) and hands their addresses to the Miniflare
 * options below, so BRIDGE here is a real mTLS service binding, as in production.
 */
export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => {
      const ctx = inject<WorkerTestContext>("workerTestContext");
      const bridge = (
        keypair?: { certificateChain: string; privateKey: string },
        address = ctx.bridgeAddress,
      ) => ({
        external: {
          address,
          https: {
            tlsOptions: { ...(keypair ? { keypair } : {}), trustedCertificates: [ctx.caPem] },
            certificateHost: "localhost",
          },
        },
      });
      return {
        wrangler: { configPath: "../wrangler.toml" },
        miniflare: {
          bindings: {
            UPSTASH_REDIS_REST_URL: ctx.upstashUrl,
            UPSTASH_REDIS_REST_TOKEN: ctx.upstashToken,
            BRIDGE_ORIGIN: "https://localhost",
            JWT_SIGNING_KEYS: ctx.jwt.ringA,
            JWT_ISSUER: ctx.jwt.issuer,
            JWT_AUDIENCE: ctx.jwt.audience,
            SIWT_DOMAIN: ctx.siwt.domain,
            SIWT_URI: ctx.siwt.uri,
            SIWT_CHAIN_ID: ctx.siwt.chainId,
          },
          serviceBindings: {
            BRIDGE: bridge(ctx.clientKeypair),
            // Test-only bindings for the negative mTLS cases.
            BRIDGE_NO_CLIENT_CERT: bridge(),
            BRIDGE_FOREIGN_CLIENT_CERT: bridge(ctx.foreignClientKeypair),
            BRIDGE_DOWN: bridge(ctx.clientKeypair, ctx.downBridgeAddress),
          },
        },
      };
    }),
  ],
  test: {
    name: "worker",
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/setup/global.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
