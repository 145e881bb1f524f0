import { join } from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import type { WorkerTestContext } from "@tron-auth/worker/test-context";
import { defineProject } from "vitest/config";
import { testWorkerBindings } from "./bindings.ts";

const WORKER = join(import.meta.dirname, "..", "..", "worker");

/**
 * The worker's tests (worker/test) run inside workerd on the whole local stack. The global setup
 * starts it (redis-server behind the local Upstash REST server, FerretDB, the bridge over mTLS)
 * and hands its addresses to the Miniflare options below, so BRIDGE here is a real mTLS service
 * binding, as in production. The project lives here, not in worker/, so that the worker package
 * does not depend on the bridge.
 */
export default defineProject({
  root: WORKER,
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: join(WORKER, "..", "wrangler.toml") },
      miniflare: testWorkerBindings(inject<WorkerTestContext>("workerTestContext")),
    })),
  ],
  test: {
    name: "worker",
    include: ["test/**/*.test.ts"],
    globalSetup: [join(import.meta.dirname, "global-setup.ts")],
    // One shared stack: a file that stops the bridge or fills a window must not overlap another.
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
