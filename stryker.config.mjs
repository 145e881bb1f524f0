// @ts-check
/**
 * Mutation testing of the security-critical code (`npm run mutate`, not part of `npm test`).
 * Which modules are in, which are not and why, and every surviving mutant: docs/mutation-report.md.
 *
 * Two parts, run one after the other by scripts/mutate.ts (MUTATE_PART selects one):
 * - "units": shared (SIWT, roles, permissions, grants) and the worker's pure modules, killed by
 *   fast tests in Node, static mutants included.
 * - "bridge": the assertion, TRON signatures and the wallet policy, killed by the bridge tests that
 *   call them in-process (some against FerretDB). Static mutants (module-level initialisers:
 *   regular expressions, protobuf field tables, curve constants) are ignored here: each re-imports
 *   its module and runs every related test file, measured at 78% of this part's time for 27% of
 *   its mutants, hours on two cores. The report lists them.
 *
 * The worker's flows run in workerd through @cloudflare/vitest-plugin on the whole stack;
 * Stryker's vitest runner replaces a project's pool with its own (threads, one worker), so only
 * the worker modules whose logic is pure are mutated, killed by the Node tests of worker/unit.
 * Each workspace's mutants are killed by that workspace's tests: in the sandbox, `@tron-auth/*`
 * imports resolve to the unmutated originals.
 */
const PARTS = {
  units: {
    mutate: [
      "shared/src/siwt/**/*.ts",
      "!shared/src/siwt/index.ts",
      "shared/src/auth/**/*.ts",
      "!shared/src/auth/index.ts",
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
    ignoreStatic: false,
  },
  bridge: {
    mutate: [
      "bridge/src/auth/assertion.ts",
      "bridge/src/tron/signature.ts",
      "bridge/src/wallet/policy.ts",
      "bridge/src/wallet/message-policy.ts",
      "bridge/src/wallet/transaction-decoder.ts",
      "bridge/src/wallet/trc20-calldata.ts",
      "bridge/src/wallet/spend-ledger.ts",
    ],
    ignoreStatic: true,
  },
};

const name = process.env.MUTATE_PART ?? "units";
const part = PARTS[/** @type {keyof typeof PARTS} */ (name)];
if (!part) throw new Error(`MUTATE_PART must be one of ${Object.keys(PARTS).join(", ")}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "scripts/mutate/vitest.config.ts", related: true },
  coverageAnalysis: "perTest",
  mutate: part.mutate,
  ignoreStatic: part.ignoreStatic,
  // Two cores shared with others: one test runner unless STRYKER_CONCURRENCY says otherwise.
  concurrency: Number(process.env.STRYKER_CONCURRENCY ?? 1),
  timeoutMS: 30_000,
  // scripts/mutate.ts applies the 90% floor per module and overall, across both parts.
  thresholds: { high: 95, low: 90, break: null },
  incremental: true,
  incrementalFile: `.cache/mutation/${name}-incremental.json`,
  reporters: ["clear-text", "progress", "json", "html"],
  jsonReporter: { fileName: `.cache/mutation/${name}.json` },
  htmlReporter: { fileName: `.cache/mutation/${name}.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  ignorePatterns: [".cache", ".dev", ".wrangler", "docs", "docker", "web/dist"],
  tempDirName: `.cache/stryker-tmp-${name}`,
  cleanTempDir: "always",
};
