import { buildPages } from "@tron-auth/web/build";
import type { TestProject } from "vitest/node";
import { startWorkerTestStack } from "./test-stack.ts";

/** Vitest global setup for the worker project: the stack, handed to Miniflare and the tests. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // wrangler.toml's [assets] directory: the worker serves the pages, and a test checks their headers.
  await buildPages();
  const stack = await startWorkerTestStack();
  project.provide("workerTestContext", stack.context);
  return stack.stop;
}
