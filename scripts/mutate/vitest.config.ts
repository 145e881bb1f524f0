import { join } from "node:path";
import { defineConfig } from "vitest/config";

const ROOT = join(import.meta.dirname, "..", "..");

/**
 * The projects Stryker runs (stryker.config.mjs): shared, the worker's Node unit tests, and the
 * bridge tests that call the mutated modules in-process without starting a daemon. Left out of
 * the bridge: the end-to-end wallet and login tests. Each starts a bridge (TLS, FerretDB, the
 * software device) in its beforeAll, which Stryker repeats for every mutant those tests cover:
 * hours on two cores (measured: about 3 h for the bridge modules alone). signing-policy.test.ts
 * pins the same rules directly; the end-to-end tests still run in `npm test`. Those that loop
 * over both software devices would also bind the software Trezor's fixed UDP port.
 */
export default defineConfig({
  test: {
    projects: [
      join(ROOT, "shared"),
      join(ROOT, "worker", "unit"),
      // Not `extends` of bridge/vitest.config.ts: vitest appends the extended config's arrays,
      // so its include (every test file) would stay.
      {
        root: join(ROOT, "bridge"),
        test: {
          name: "bridge",
          environment: "node",
          globalSetup: ["test/setup/mongo.ts"],
          testTimeout: 20_000,
          hookTimeout: 60_000,
          include: [
            "test/assertion.test.ts",
            "test/signing-policy.test.ts",
            "test/spend-ledger.test.ts",
            "test/tron-signature.test.ts",
            "test/tip191-crosscheck.test.ts",
            "test/trezor-request.test.ts",
            "test/login-round-trips.test.ts",
          ],
        },
      },
    ],
  },
});
