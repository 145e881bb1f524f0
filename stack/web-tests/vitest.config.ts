import { join } from "node:path";
import { defineProject } from "vitest/config";

/**
 * The pages' tests: the real pages in Debian's Chromium (playwright-core) against the whole local
 * stack, with a test wallet injected where TronLink would inject itself. Lives here because the
 * web package must not depend on the stack.
 */
export default defineProject({
  test: {
    name: "web",
    include: ["*.test.ts"],
    environment: "node",
    globalSetup: [join(import.meta.dirname, "..", "edge-tests", "global-setup.ts")],
    fileParallelism: false,
    // A page waits for its wallet (the adapter's detection) and the stack: poll like a person waits.
    expect: { poll: { timeout: 10_000, interval: 100 } },
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
