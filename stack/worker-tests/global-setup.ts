import type { TestProject } from "vitest/node";
import { startWorkerTestStack } from "./test-stack.ts";

/** Vitest global setup for the worker project: the stack, handed to Miniflare and the tests. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startWorkerTestStack();
  project.provide("workerTestContext", stack.context);
  return stack.stop;
}
