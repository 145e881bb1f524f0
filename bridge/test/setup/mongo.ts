import { startMongoWire } from "@tron-auth/launchers/mongo-wire";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    mongoUri: string;
    mongoSupportsTtl: boolean;
  }
}

/** One MongoDB-wire server for the bridge project; each test file uses its own database. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const mongo = await startMongoWire();
  project.provide("mongoUri", mongo.uri);
  project.provide("mongoSupportsTtl", mongo.supportsTtlIndexes);
  return () => mongo.stop();
}
