import { join } from "node:path";
import { defineProject } from "vitest/config";

/**
 * The client library's tests, in Node against the whole local stack (the worker in
 * workerd, the bridge over mTLS, Redis, FerretDB). The project lives here because the client
 * package must not depend on the stack that composes everything.
 */
export default defineProject({
  test: {
    name: "client",
    include: ["*.test.ts"],
    environment: "node",
    globalSetup: [join(import.meta.dirname, "..", "edge-tests", "global-setup.ts")],
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
