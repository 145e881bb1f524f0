// @ts-check
/**
 * Mutation testing of the security-critical code (`npm run mutate`, not part of `npm test`).
 * Which modules are in, which are not and why, and every surviving mutant: docs/mutation-report.md.
 *
 * The worker's flows run in workerd through @cloudflare/vitest-pool-workers on the whole stack;
 * Stryker's vitest runner replaces the project's pool with its own (threads, one worker), so the
 * worker modules mutated here are the ones whose logic is pure, killed by the Node unit tests of
 * worker/unit. Shared and bridge modules are killed by their own projects' tests (the bridge's
 * against FerretDB). Each workspace's mutants are killed by that workspace's tests: the sandbox
 * resolves `@tron-auth/*` imports to the unmutated originals.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  vitest: { configFile: "scripts/mutate/vitest.config.ts", related: true },
  coverageAnalysis: "perTest",
  mutate: [
    "shared/src/siwt/**/*.ts",
    "!shared/src/siwt/index.ts",
    "shared/src/auth/**/*.ts",
    "!shared/src/auth/index.ts",
    "bridge/src/auth/assertion.ts",
    "bridge/src/wallet/policy.ts",
    "bridge/src/wallet/message-policy.ts",
    "bridge/src/wallet/transaction-decoder.ts",
    "bridge/src/wallet/trc20-calldata.ts",
    "bridge/src/wallet/spend-ledger.ts",
    "bridge/src/tron/signature.ts",
    "worker/src/tokens/access-token.ts",
    "worker/src/tokens/refresh-token.ts",
    "worker/src/tokens/keys.ts",
    "worker/src/tokens/sign.ts",
    "worker/src/tokens/verified-cache.ts",
    "worker/src/sessions/record.ts",
    "worker/src/sessions/record-mac.ts",
    "worker/src/sessions/grace-box.ts",
    "worker/src/sessions/epoch.ts",
    "worker/src/limits/lease.ts",
  ],
  // Two cores shared with others: one test runner unless STRYKER_CONCURRENCY says otherwise.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  timeoutMS: 30_000,
  thresholds: { high: 95, low: 90, break: 90 },
  incremental: true,
  incrementalFile: ".cache/mutation/incremental.json",
  reporters: ["clear-text", "progress", "json", "html"],
  jsonReporter: { fileName: ".cache/mutation/mutation.json" },
  htmlReporter: { fileName: ".cache/mutation/mutation.html" },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  ignorePatterns: [".cache", ".dev", ".wrangler", "docs", "docker", "web/dist"],
  tempDirName: ".cache/stryker-tmp",
  cleanTempDir: "always",
};
