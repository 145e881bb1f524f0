import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineProject } from "vitest/config";
import type { WorkerTestContext } from "./test/setup/context.ts";
import { workerBindings } from "./test/setup/miniflare-options.ts";

/**
 * Worker tests run inside workerd. The global setup starts the real parts (redis-server behind the
 * local Upstash REST server, FerretDB, the bridge over mTLS) and hands their addresses to the
 * Miniflare options below, so BRIDGE here is a real mTLS service binding, as in production.
 */
export default defineProject({
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: "../wrangler.toml" },
      miniflare: workerBindings(inject<WorkerTestContext>("workerTestContext")),
    })),
  ],
  test: {
    name: "worker",
    include: ["test/**/*.test.ts"],
    globalSetup: ["./test/setup/global.ts"],
    // One shared stack: a file that stops the bridge or fills a window must not overlap another.
    fileParallelism: false,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
