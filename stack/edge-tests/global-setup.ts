import type { TestProject } from "vitest/node";
import { startEdgeTestStack } from "./edge-stack.ts";

/** Vitest global setup for the client and web projects: the whole system with the pages. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startEdgeTestStack();
  project.provide("edgeTestContext", stack.context);
  return stack.stop;
}
