import { defineProject } from "vitest/config";

/**
 * The worker's pure modules (token claims, refresh-token format, session record MACs and parsing,
 * the grace box, lockdown epochs, rate-limit leases) tested in Node: no binding, no Redis, no
 * bridge. Everything that needs workerd or the stack is in worker/test (project "worker"). These
 * exist so that mutation testing (npm run mutate) reaches these modules: Stryker cannot drive the
 * workerd pool.
 */
export default defineProject({
  test: {
    name: "worker-unit",
    include: ["*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
  },
});
